package io.driftguard.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.controls.Control;
import io.driftguard.state.CallBudget;
import java.util.List;
import java.util.Optional;

/**
 * Names the function apps and slots a sweep should read, when an index can tell which may be drifted more cheaply than
 * reading every app: each candidate is then confirmed by the engine's own read before anything is fixed or reported.
 */
public interface CandidateLister {

  /** One page of candidates across {@code subscriptions}. */
  CandidatePage page(List<String> subscriptions, Optional<String> skipToken, CallBudget budget);

  /** A page, and the skip token of the next one: only the token, as for ARM's lists. */
  record CandidatePage(List<Candidate> candidates, Optional<String> skipToken) {}

  /**
   * A site or slot ({@code id} and {@code subscriptionId}) and the controls whose documents the index does not hold:
   * when there are any, the index saw nothing wrong with the rest, and the app is confirmed only if reading those
   * documents shows drift; when there are none, it is confirmed at once.
   */
  record Candidate(JsonNode row, List<Control> readFirst) {
    public Candidate {
      readFirst = List.copyOf(readFirst);
    }
  }
}
