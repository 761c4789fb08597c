package io.driftguard.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.controls.Control;
import io.driftguard.controls.Evaluation;
import io.driftguard.documents.Document;
import io.driftguard.policy.Mode;
import io.driftguard.resource.HostingModel;
import io.driftguard.state.ArmException;
import io.driftguard.state.SiteDocuments;
import io.driftguard.state.SiteState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The third stage: from what is wrong to what was done. The mode says fix or report; a fix someone keeps reverting is
 * paused instead. The fixes go out as one sparse write per document, all at once, after their intents are recorded, and
 * each counts only if ARM's answer shows the right value.
 */
final class Remedy {

  /** Every finding with what was done about it, and a failure a redelivery may cure. */
  record Remedied(List<String> evaluated, List<Finding> findings, Optional<ArmException> retryableFailure) {}

  private final SiteDocuments documents;
  private final RefusedSettings refusals;
  private final Clock clock;

  Remedy(SiteDocuments documents, RefusedSettings refusals, Clock clock) {
    this.documents = documents;
    this.refusals = refusals;
    this.clock = clock;
  }

  Remedied apply(Admitted admitted, Evaluator.Judged judged) {
    List<Finding> findings = new ArrayList<>();
    FixPlan plan = new FixPlan();
    for (Evaluator.Drift drift : judged.drifts()) {
      // An exempt control is never fixed; its finding reads exempted in a dry run too.
      Finding finding = admitted.dryRun() && !drift.mode().exempt()
          ? Finding.of(drift.control(), drift.evaluation(), drift.mode(), admitted.event().site(),
              judged.state().hostingModel()).wouldBeHandled()
          : decide(admitted, drift, judged.state().hostingModel());
      findings.add(finding);
      if (finding.action() == Action.FIXED) {
        plan.add(drift.control(), drift.evaluation());
      }
    }
    // Every intent is recorded before any write leaves; then the documents are written at once.
    admitted.ledger().intend(findings.stream().filter(finding -> finding.action() == Action.FIXED).toList());
    Optional<ArmException> retryableFailure = write(admitted, judged.state(), plan, findings);
    return new Remedied(judged.evaluated(), findings, retryableFailure);
  }

  /** Auto-fix, unless flapping pauses it; otherwise the finding as the mode leaves it. */
  private static Finding decide(Admitted admitted, Evaluator.Drift drift, HostingModel hosting) {
    Finding finding = Finding.of(drift.control(), drift.evaluation(), drift.mode(), admitted.event().site(), hosting);
    if (drift.mode().mode() != Mode.AUTOFIX) {
      return finding;
    }
    FlapGuard.Verdict verdict = admitted.ledger().mayFix(drift.control().id());
    if (verdict.allowed()) {
      return finding.fixing(drift.evaluation());
    }
    return verdict.started() ? finding.backedOff(verdict.explanation())
        : finding.pausedUntil(verdict.until(), verdict.explanation());
  }

  /**
   * Writes each document's sparse fix and checks ARM's answer: a fix counts only if ARM answered with the resource and
   * it shows the new value (anything else fails in the gateway, as not the resource).
   */
  private Optional<ArmException> write(Admitted admitted, SiteState state, FixPlan plan, List<Finding> findings) {
    Optional<ArmException> retryableFailure = Optional.empty();
    Map<Document, SiteDocuments.Written> written = withoutRefusedSettings(admitted, state.hostingModel(), plan,
        findings, documents.writeAll(admitted.event().site(), plan.bodies(), admitted.usage()));
    for (Map.Entry<Document, ObjectNode> patch : plan.bodies().entrySet()) {
      List<Control> fixed = plan.controlsFixedBy(patch.getKey());
      try {
        SiteDocuments.Written outcome = written.get(patch.getKey());
        if (outcome.failure().isPresent()) {
          throw outcome.failure().get();
        }
        JsonNode answer = outcome.answer().orElseThrow();
        for (Control control : fixed) {
          Evaluation after = control.evaluate(
              document -> document.equals(patch.getKey()) ? answer : state.resource(document));
          if (!after.compliant() || !after.judged()) {
            markFailed(findings, control, "ARM accepted the write but the value is still " + after.observed());
          } else {
            admitted.ledger().landed(control.id());
          }
        }
      } catch (ArmException e) {
        if (e.isNotFound()) {
          throw e;
        }
        fixed.forEach(control -> markFailed(findings, control, e.getMessage()));
        if (e.isRetryable()) {
          retryableFailure = Optional.of(e);
        }
      }
    }
    return retryableFailure;
  }

  /**
   * Where ARM refused a write for a property this kind of site does not take, the controls that wrote it are reported
   * as refused and remembered, and the rest of that document's fix is written again without them. Returns the
   * outcome of each document still in {@code plan}.
   */
  private Map<Document, SiteDocuments.Written> withoutRefusedSettings(Admitted admitted, HostingModel hosting,
      FixPlan plan, List<Finding> findings, Map<Document, SiteDocuments.Written> written) {
    Map<Document, SiteDocuments.Written> outcomes = new LinkedHashMap<>(written);
    for (Map.Entry<Document, SiteDocuments.Written> outcome : written.entrySet()) {
      Document document = outcome.getKey();
      Optional<ArmException> failure = outcome.getValue().failure();
      List<String> properties = new ArrayList<>();
      plan.bodies().get(document).fieldNames().forEachRemaining(properties::add);
      Set<String> refused = failure.map(e -> RefusedSettings.refusedProperties(e, properties)).orElse(Set.of());
      if (refused.isEmpty()) {
        continue;
      }
      for (Control control : plan.withdraw(document, refused)) {
        refusals.remember(admitted.event().site(), control, hosting, failure.get().getMessage(), clock.instant());
        findings.replaceAll(finding -> finding.rule().equals(control.id())
            ? finding.refusedByArm("ARM refuses this setting on this app (" + hosting + "); driftguard will not try "
                + "again until the app's hosting model changes: " + failure.get().getMessage())
            : finding);
      }
      outcomes.remove(document);
      if (plan.bodies().containsKey(document)) {
        outcomes.putAll(documents.writeAll(admitted.event().site(), Map.of(document, plan.bodies().get(document)),
            admitted.usage()));
      }
    }
    return outcomes;
  }

  private static void markFailed(List<Finding> findings, Control control, String why) {
    findings.replaceAll(finding -> finding.rule().equals(control.id()) ? finding.failed(why) : finding);
  }
}
