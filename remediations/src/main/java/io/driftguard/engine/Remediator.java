package io.driftguard.engine;

import io.driftguard.controls.ControlCatalog;
import io.driftguard.intake.EventIntake;
import io.driftguard.intake.MalformedDeliveryException;
import io.driftguard.policy.ModePolicy;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.ArmException;
import io.driftguard.state.CallBudget;
import io.driftguard.state.SiteDocuments;
import io.driftguard.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The engine, one sentence: an arrival is admitted (deduplicated, in scope, claimed, coalesced), the site is evaluated
 * (read, modes resolved, controls judged), the drift remedied (sparse writes, verified) and the decision reported
 * (audit trail, alert). Each stage hands one value to the next; ARM is behind {@link SiteDocuments}, Table storage
 * behind the {@link Ledger}. Events and sweeps enter the same way, as {@link Arrival}s.
 */
public final class Remediator {

  private final EventIntake intake;
  private final SiteDocuments documents;
  private final Admission admission;
  private final Evaluator evaluator;
  private final Remedy remedy;
  private final Report report;
  private final Ticker ticker;
  private final Duration eventBudget;

  /** The engine over its two ports: the site's documents and the ledger. */
  public Remediator(ScopeGuard scope, SiteDocuments documents, ControlCatalog controls, ModePolicy modes, Ledger ledger,
                    FindingsSink sink, Clock clock, Ticker ticker, Duration eventBudget) {
    this.intake = new EventIntake(clock);
    this.documents = documents;
    this.admission = new Admission(scope, documents, ledger, clock, ticker, eventBudget);
    RefusedSettings refusals = new RefusedSettings();
    this.evaluator = new Evaluator(documents, controls, modes, refusals);
    this.remedy = new Remedy(documents, refusals, clock);
    this.report = new Report(sink, ticker);
    this.ticker = ticker;
    this.eventBudget = eventBudget;
  }

  /** Starts fetching what the first evaluation needs (its ARM token) in the background: for a host warming up. */
  public void prepare() {
    documents.prepare();
  }

  /** Handles every event of a delivery, one decision each, in order. */
  public List<Decision> handleDelivery(String delivery) throws MalformedDeliveryException {
    return intake.screen(delivery).stream().map(Arrival::of).map(this::handle).toList();
  }

  /** One decision for one arrival, an event's or a sweep's. */
  public Decision handle(Arrival arrival) {
    if (arrival instanceof Arrival.Delivered delivered) {
      return admission.admit(delivered.screened(), this::decide);
    }
    if (arrival instanceof Arrival.Swept swept) {
      return admission.admit(swept, this::decide);
    }
    return report.refused((Arrival.Refused) arrival);
  }

  /**
   * Each control's effective mode, and the setting or tag that chose it, for a site and each of its slots: one read of
   * the site and one slot listing, nothing evaluated or written.
   */
  public Map<SiteRef, Explanation> explain(SiteRef site) {
    return evaluator.explain(site, new CallBudget(eventBudget, ticker));
  }

  /** Evaluation, remedy and report of an admitted write; a dry run is neither recorded nor reported. */
  private Decision decide(Admitted admitted) {
    Decision decision = evaluateAndRemedy(admitted);
    return admitted.dryRun() ? decision : report.record(admitted, decision);
  }

  private Decision evaluateAndRemedy(Admitted admitted) {
    Decisions decisions = admitted.decisions();
    try {
      Evaluator.Assessment assessment = evaluator.evaluate(admitted);
      if (assessment instanceof Evaluator.Skip skip) {
        return skip.weighed() ? decisions.nothingToJudge(skip.evaluated(), skip.reason())
            : decisions.skipped(skip.reason());
      }
      return report.conclude(admitted, remedy.apply(admitted, (Evaluator.Judged) assessment));
    } catch (ArmException e) {
      // Only the site's own absence reaches here as a 404: a document ARM lacks leaves its controls unjudged.
      return e.isNotFound()
          ? decisions.gone(e.getMessage())
          : decisions.failed(e.isRetryable(), e.getMessage());
    } catch (RuntimeException e) {
      // Storage or transport failures: a later delivery may succeed.
      return decisions.failed(true, "could not evaluate: " + Decisions.describe(e));
    }
  }
}
