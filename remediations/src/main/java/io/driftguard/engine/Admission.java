package io.driftguard.engine;

import io.driftguard.intake.Screened;
import io.driftguard.intake.WriteEvent;
import io.driftguard.state.BoundedLruSet;
import io.driftguard.state.CallBudget;
import io.driftguard.state.SiteDocuments;
import io.driftguard.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The first stage: from an arrival to an accepted write, or a decision that stops it. Before any ARM call it drops what
 * intake refused, duplicates and writes out of scope; then it claims the event across instances and lets events for an
 * app that is being evaluated share the next evaluation. The rest of the pipeline runs inside, as {@code pipeline}.
 */
final class Admission {

  private static final int REMEMBERED_EVENTS = 100_000;

  private final ScopeGuard scope;
  private final SiteDocuments documents;
  private final Ledger ledger;
  private final Clock clock;
  private final Ticker ticker;
  private final Duration eventBudget;
  private final BoundedLruSet handledEvents = new BoundedLruSet(REMEMBERED_EVENTS);
  private final Coalescer<WriteEvent, Decision> coalescer;

  Admission(ScopeGuard scope, SiteDocuments documents, Ledger ledger, Clock clock, Ticker ticker, Duration eventBudget) {
    this.scope = scope;
    this.documents = documents;
    this.ledger = ledger;
    this.clock = clock;
    this.ticker = ticker;
    this.eventBudget = eventBudget;
    this.coalescer = new Coalescer<>(ticker);
  }

  /** An event of a delivery: refused, a duplicate, out of scope, in another instance's hands, or decided. */
  Decision admit(Screened screened, Function<Admitted, Decision> pipeline) {
    long start = ticker.nanos();
    if (screened instanceof Screened.Ignored ignored) {
      return Decisions.refused(ignored.eventId(), ignored.resource(), Outcome.SKIPPED, ignored.reason(), ticker,
          start);
    }
    if (screened instanceof Screened.Rejected rejected) {
      return Decisions.refused(rejected.eventId(), rejected.resource(), Outcome.REJECTED, rejected.reason(), ticker,
          start);
    }
    WriteEvent event = ((Screened.Accepted) screened).event();
    Decisions decisions = new Decisions(event, start, new CallBudget(eventBudget, ticker), ledger.open(event));
    if (handledEvents.contains(event.eventId())) {
      return decisions.skipped("duplicate delivery of an event already handled");
    }
    Decision decision;
    try {
      decision = scope.refusal(event).map(decisions::skipped).orElseGet(() -> claimed(decisions, pipeline));
    } catch (RuntimeException e) {
      // Not knowing who we are (token endpoint down): a later delivery may succeed.
      decision = decisions.failed(true, "could not evaluate: " + Decisions.describe(e));
    }
    if (!decision.retryable()) {
      handledEvents.add(event.eventId());
    }
    return decisions.withWarnings(decision);
  }

  /**
   * A site or slot a sweep found: evaluated as an event is, if in scope. Never coalesced with events (the listing may
   * predate their writes, and a sweep evaluates each app once anyway), nor claimed.
   */
  Decision admit(Arrival.Swept swept, Function<Admitted, Decision> pipeline) {
    WriteEvent sweep = WriteEvent.sweep(swept.site(), swept.runId(), OffsetDateTime.now(clock));
    Decisions decisions = new Decisions(sweep, ticker.nanos(), new CallBudget(eventBudget, ticker),
        ledger.open(sweep));
    Optional<String> outOfScope = scope.refusal(sweep);
    if (outOfScope.isPresent()) {
      return decisions.skipped(outOfScope.get());
    }
    return pipeline.apply(new Admitted(decisions, swept.listedSite(), swept.dryRun(), List.of()));
  }

  /**
   * Across instances, an event is claimed before it is acted on. A duplicate finding it handled is skipped; one
   * finding it in hand elsewhere is retried later, since that instance may still fail (a crash leaves the claim to
   * expire; a retryable failure releases it). With storage down the event is handled unclaimed, and says so.
   */
  private Decision claimed(Decisions decisions, Function<Admitted, Decision> pipeline) {
    // The event will be read unless another instance has it: its token is fetched while it is claimed.
    documents.prepare();
    EventClaims.Claim claim = decisions.ledger().claim();
    if (claim == EventClaims.Claim.DONE) {
      return decisions.skipped("duplicate delivery of an event already handled by another instance");
    }
    if (claim == EventClaims.Claim.HELD) {
      return decisions.failed(true, "another instance is handling this event now; deliver it again later");
    }
    Decision decision = coalesced(decisions, pipeline);
    decisions.ledger().settle(decision.retryable());
    return decision;
  }

  /**
   * Events for an app that is being evaluated wait for the next evaluation and share it; it reads fresh state, so it
   * answers all of them. Only the event whose evaluation ran records it, naming every caller it answered.
   */
  private Decision coalesced(Decisions decisions, Function<Admitted, Decision> pipeline) {
    WriteEvent event = decisions.event();
    return coalescer.run(event.site().key(), event, answered -> pipeline.apply(
            new Admitted(decisions, Optional.empty(), false, answered.subList(1, answered.size()))), eventBudget)
        .map(served -> served.ranByThisCaller() ? served.result() : decisions.servedBy(served.result()))
        .orElseGet(() -> decisions.failed(true, "an evaluation of this app ahead of this event outlasted its budget"));
  }
}
