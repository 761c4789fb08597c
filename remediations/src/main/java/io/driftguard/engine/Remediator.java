package io.driftguard.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.controls.Control;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.controls.Evaluation;
import io.driftguard.intake.EventIntake;
import io.driftguard.intake.MalformedDeliveryException;
import io.driftguard.intake.Screened;
import io.driftguard.intake.WriteEvent;
import io.driftguard.policy.Mode;
import io.driftguard.policy.ModeDecision;
import io.driftguard.policy.ModePolicy;
import io.driftguard.state.ArmException;
import io.driftguard.state.ArmGateway;
import io.driftguard.state.ArmUsage;
import io.driftguard.state.BoundedLruSet;
import io.driftguard.state.Document;
import io.driftguard.state.SiteState;
import io.driftguard.state.StateReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The engine. One direction: event -&gt; resource -&gt; state -&gt; findings -&gt; decisions -&gt; actions -&gt; record.
 * Decisions rest on a fresh read of the site, never on values carried by the event, so delivery order does not matter,
 * and a fix is written only where a value is wrong, so the bot's own writes settle instead of looping.
 */
public final class Remediator {

  private static final int REMEMBERED_EVENTS = 100_000;

  private final EventIntake intake = new EventIntake();
  private final ScopeGuard scope;
  private final StateReader reader;
  private final ArmGateway gateway;
  private final ControlCatalog controls;
  private final ModePolicy modes;
  private final FindingsSink sink;
  private final BoundedLruSet handledEvents = new BoundedLruSet(REMEMBERED_EVENTS);

  public Remediator(ScopeGuard scope, ArmGateway gateway, ControlCatalog controls, ModePolicy modes, FindingsSink sink) {
    this.scope = scope;
    this.gateway = gateway;
    this.reader = new StateReader(gateway);
    this.controls = controls;
    this.modes = modes;
    this.sink = sink;
  }

  /** Handles every event of a delivery, one decision each, in order. */
  public List<Decision> handleDelivery(String delivery) throws MalformedDeliveryException {
    return intake.screen(delivery).stream().map(this::handle).toList();
  }

  public Decision handle(Screened screened) {
    long start = System.nanoTime();
    if (screened instanceof Screened.Ignored ignored) {
      return refused(ignored.eventId(), ignored.resource(), Outcome.SKIPPED, ignored.reason(), start);
    }
    if (screened instanceof Screened.Rejected rejected) {
      return refused(rejected.eventId(), rejected.resource(), Outcome.REJECTED, rejected.reason(), start);
    }
    return handleWrite(((Screened.Accepted) screened).event(), start);
  }

  private Decision handleWrite(WriteEvent event, long start) {
    Record record = new Record(event, start);
    if (handledEvents.contains(event.eventId())) {
      return record.skipped("duplicate delivery of an event already handled");
    }
    Decision decision;
    try {
      Optional<String> refusal = scope.refusal(event);
      decision = refusal.isPresent() ? record.skipped(refusal.get()) : evaluateAndAct(event, record);
    } catch (ArmException e) {
      decision = e.isNotFound()
          ? record.skipped("the site no longer exists (" + e.getMessage() + ")")
          : record.failed(e.isRetryable(), e.getMessage());
    } catch (RuntimeException e) {
      // Not knowing who we are (token endpoint down) or a transport failure: a later delivery may succeed.
      decision = record.failed(true, "could not evaluate: " + e.getMessage());
    }
    if (!decision.findings().isEmpty() || decision.outcome() == Outcome.FAILED) {
      sink.publish(event, decision);
    }
    if (!decision.retryable()) {
      handledEvents.add(event.eventId());
    }
    return decision;
  }

  private Decision evaluateAndAct(WriteEvent event, Record record) {
    Set<Document> likelyNeeded = documentsOf(controls.all().stream()
        .filter(control -> modes.configured(control).mode() != Mode.OFF).toList());
    SiteState state = reader.read(event.site(), likelyNeeded, record.usage);
    if (!state.isFunctionApp()) {
      return record.skipped("not a function app (kind '" + state.kind() + "')");
    }
    Map<Control, ModeDecision> active = new LinkedHashMap<>();
    for (Control control : controls.all()) {
      ModeDecision mode = modes.resolve(control, state);
      if (mode.mode() != Mode.OFF) {
        active.put(control, mode);
      }
    }
    if (active.isEmpty()) {
      return record.skipped("every control is off for this app");
    }
    state = reader.complete(state, documentsOf(active.keySet()), record.usage);

    List<Finding> findings = new ArrayList<>();
    FixPlan plan = new FixPlan();
    for (Map.Entry<Control, ModeDecision> entry : active.entrySet()) {
      Control control = entry.getKey();
      Evaluation evaluation = control.evaluate(state.properties(control.document()));
      if (!evaluation.compliant()) {
        boolean autofix = entry.getValue().mode() == Mode.AUTOFIX;
        findings.add(finding(control, evaluation, entry.getValue(), event, autofix));
        if (autofix) {
          plan.add(control, evaluation);
        }
      }
    }
    return apply(plan, findings, record, active.size());
  }

  /** Writes each document's sparse PATCH and checks ARM's answer; a fix counts only if the new value is right. */
  private Decision apply(FixPlan plan, List<Finding> findings, Record record, int evaluated) {
    Optional<ArmException> retryableFailure = Optional.empty();
    for (Map.Entry<Document, ObjectNode> patch : plan.bodies().entrySet()) {
      Document document = patch.getKey();
      List<Control> fixed = plan.controlsFixedBy(document);
      try {
        Optional<JsonNode> answer = gateway.patch(record.event.site(), document, patch.getValue(), record.usage);
        for (Control control : fixed) {
          Optional<Evaluation> after = answer.map(resource -> control.evaluate(resource.path("properties")));
          if (after.isPresent() && !after.get().compliant()) {
            markFailed(findings, control, "ARM accepted the PATCH but the value is still " + after.get().observed());
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
    return record.evaluated(findings, evaluated, retryableFailure);
  }

  private static void markFailed(List<Finding> findings, Control control, String why) {
    findings.replaceAll(finding -> finding.rule().equals(control.id()) ? finding.failed(why) : finding);
  }

  private static Finding finding(Control control, Evaluation evaluation, ModeDecision mode, WriteEvent event,
                                 boolean autofix) {
    String written = autofix ? evaluation.fix().values().stream().map(String::valueOf).collect(Collectors.joining(", ")) : null;
    return new Finding(control.id(), control.title(), control.document().path(), evaluation.observed(),
        evaluation.desired(), mode.mode().label(), mode.source(), autofix ? Action.FIXED : Action.ALERTED, written,
        control.manualFix(event.site()), null);
  }

  private static Set<Document> documentsOf(Collection<Control> selected) {
    Set<Document> documents = EnumSet.noneOf(Document.class);
    selected.forEach(control -> documents.add(control.document()));
    return documents;
  }

  private Decision refused(String eventId, Optional<String> resource, Outcome outcome, String reason, long start) {
    return new Decision(eventId, resource.orElse(null), outcome, reason, null, null, null, List.of(), 0, 0,
        elapsedMs(start), false);
  }

  private static long elapsedMs(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** Builds the decision for one accepted event, with its cost. */
  private static final class Record {
    private final WriteEvent event;
    private final long start;
    private final ArmUsage usage = new ArmUsage();

    Record(WriteEvent event, long start) {
      this.event = event;
      this.start = start;
    }

    Decision skipped(String reason) {
      return decision(Outcome.SKIPPED, reason, List.of(), false);
    }

    Decision failed(boolean retryable, String reason) {
      return decision(Outcome.FAILED, reason, List.of(), retryable);
    }

    Decision evaluated(List<Finding> findings, int evaluated, Optional<ArmException> retryableFailure) {
      Map<Action, List<String>> byAction = findings.stream().collect(Collectors.groupingBy(
          Finding::action, LinkedHashMap::new, Collectors.mapping(Finding::rule, Collectors.toList())));
      Outcome outcome = byAction.containsKey(Action.FIX_FAILED) ? Outcome.FAILED
          : byAction.containsKey(Action.FIXED) ? Outcome.FIXED
          : byAction.containsKey(Action.ALERTED) ? Outcome.ALERTED
          : Outcome.COMPLIANT;
      String reason = findings.isEmpty()
          ? "all " + evaluated + " evaluated controls compliant"
          : byAction.entrySet().stream()
              .map(group -> group.getKey().label() + ": " + String.join(", ", group.getValue()))
              .collect(Collectors.joining("; "));
      if (retryableFailure.isPresent()) {
        reason += "; retry later: " + retryableFailure.get().getMessage();
      }
      return decision(outcome, reason, findings, retryableFailure.isPresent());
    }

    private Decision decision(Outcome outcome, String reason, List<Finding> findings, boolean retryable) {
      return new Decision(event.eventId(), event.site().id(), outcome, reason, event.caller().displayName(),
          event.eventTime().toString(), event.operationName().orElse(null), findings, usage.reads(), usage.writes(),
          elapsedMs(start), retryable);
    }
  }
}
