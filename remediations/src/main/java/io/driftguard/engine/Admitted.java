package io.driftguard.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.intake.WriteEvent;
import io.driftguard.state.CallBudget;
import java.util.List;
import java.util.Optional;

/**
 * A write the engine accepted, handed from stage to stage: the event (or sweep), what its evaluation rests on (a fresh
 * read, or a listing's site document), whether it acts ({@code dryRun}: nothing written or reported), the other events
 * its evaluation answers (coalesced), and the decisions it builds, with its budget and ledger.
 */
record Admitted(Decisions decisions, Optional<JsonNode> listedSite, boolean dryRun, List<WriteEvent> alsoAnswered) {

  WriteEvent event() {
    return decisions.event();
  }

  CallBudget usage() {
    return decisions.usage();
  }

  Ledger.Entry ledger() {
    return decisions.ledger();
  }
}
