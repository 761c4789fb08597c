package io.driftguard.alert;

import io.driftguard.engine.Action;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Finding;
import io.driftguard.engine.FindingState;
import io.driftguard.engine.Notice;
import io.driftguard.engine.Outcome;
import io.driftguard.intake.WriteEvent;
import io.driftguard.text.Printable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rows of the findings table ({@code infra/alerts/findings-table.json}): one per step of a finding's life (its
 * {@code State}: opened, changed, reminder, standing, exempted, exemption-ended, resolved), plus one when driftguard
 * itself failed, or a sweep refused a listed site. A finding's latest row is where it stands: the stateful alert rules
 * keep one alert per finding and notice ({@code NotifiedAt}, when people were last told) open while it says open. A finding's row targets its
 * app's lower-cased id (one alert target per app, whatever the casing); driftguard's own failures target driftguard's
 * function app when it is known.
 */
public final class FindingRows {

  /** Severity as Azure Monitor alerts use it: 0 critical ... 4 verbose. */
  static final int ERROR = 1;
  static final int WARNING = 2;
  static final int INFORMATIONAL = 3;
  /** The State of a row about driftguard itself, not a finding. */
  static final String FAILED = "failed";

  /** How the app is hosted ({@code Flex Consumption}, ...); empty when its site was not read. */
  private static final String HOSTING_MODEL = "HostingModel";

  private FindingRows() {}

  /**
   * {@code alsoAnswered}: other events the same evaluation answered; the message names their callers too.
   * {@code self}: driftguard's own function app, the target of its failures; empty where it is not known (locally).
   * {@code writtenBy}: for drift a sweep found, who last wrote each document (by its name), as a sentence.
   */
  public static List<Map<String, Object>> of(WriteEvent event, List<WriteEvent> alsoAnswered, Decision decision,
                                             List<Notice> notices, Optional<String> self,
                                             Map<String, String> writtenBy, Instant now) {
    if (decision.findings().isEmpty() && decision.outcome() == Outcome.FAILED) {
      return List.of(withHostingModel(decision, row(now, selfOr(self, decision.resource()), "driftguard", "", "",
          "failed", "", FAILED, "", null, null, ERROR, event.caller().actor(), event.caller().ipAddress().orElse(""),
          event.correlationId().orElse(""), event.eventId(), Printable.clean("driftguard could not evaluate "
              + decision.resource() + " after a write by " + event.caller().actor()
              + AlertMessage.alsoWrittenBy(event, alsoAnswered) + ": " + decision.reason()))));
    }
    return notices.stream().map(notice -> row(event, decision, notice, now, notice.finding()
        .map(finding -> AlertMessage.of(event, alsoAnswered, finding, writtenBy.getOrDefault(finding.document(), ""))
            + AlertMessage.step(notice.state()))
        .orElseGet(() -> notice.state().last() == FindingState.Step.STANDING ? AlertMessage.unjudged(event,
            notice.state()) : AlertMessage.resolved(event, notice.state())))).toList();
  }

  /**
   * The row of a listed site a sweep refused to touch (its id does not parse, or names another subscription): nobody
   * wrote it through an event, so the sweep run is its correlation id and the refusal its message.
   */
  public static Map<String, Object> ofRefusedListing(Decision decision, String runId, Optional<String> self,
                                                     Instant now) {
    return row(now, selfOr(self, decision.resource()), "driftguard", "", "", "failed", "", FAILED, "", null, null, ERROR,
        "driftguard sweep " + runId, "", runId, decision.eventId(), Printable.clean("A driftguard sweep refused a listed site "
            + decision.resource() + ": " + decision.reason()
            + ". Check who can write this subscription's site list or its stored sweep state."));
  }

  /** The one row of a sweep the Functions host gave up on (its message went to the poison queue). */
  public static Map<String, Object> abandonedSweep(String subscription, String messageId, String problem,
                                                   Optional<String> self, Instant now) {
    return row(now, selfOr(self, subscription.isEmpty() ? "" : "/subscriptions/" + subscription), "driftguard", "", "",
        "failed", "", FAILED, "", null, null, ERROR, "driftguard sweep queue", "", "", "sweep-abandoned-" + messageId,
        Printable.clean("driftguard could not sweep " + (subscription.isEmpty() ? "a queued subscription" : "subscription "
            + subscription) + ": " + problem));
  }

  static int severity(Action action) {
    return switch (action) {
      case FIXED, WOULD_FIX, WOULD_ALERT, EXEMPTED -> INFORMATIONAL;
      case ALERTED, REFUSED_BY_ARM -> WARNING;
      case FIX_FAILED, BACKED_OFF -> ERROR;
    };
  }

  /**
   * A finding's row: a step that resolves it pages nobody (severity 3), others as what driftguard did; an exemption's
   * end as driftguard read it, in a column of its own so that views never take a date from the reason's free text.
   */
  private static Map<String, Object> row(WriteEvent event, Decision decision, Notice notice, Instant now,
                                         String message) {
    FindingState state = notice.state();
    // A finding restated without a judgement keeps the severity of what was done, so it stays in its alert rule.
    int severity = notice.finding().map(finding -> severity(finding.action()))
        .orElse(state.last() == FindingState.Step.STANDING ? severity(Action.ofLabel(state.action())) : INFORMATIONAL);
    String exemptUntil = notice.finding().map(Finding::exemptUntil).orElse(null);
    return withHostingModel(decision, row(now, state.resource(), state.rule(), state.observed(), state.desired(),
        state.action(), notice.finding().map(Finding::modeText).orElse(state.mode()), state.last().label(),
        state.openedAt().toString(), state.notifiedAt().toString(), exemptUntil, severity,
        event.caller().actor(), event.caller().ipAddress().orElse(""), event.correlationId().orElse(""),
        event.eventId(), message));
  }

  private static Map<String, Object> withHostingModel(Decision decision, Map<String, Object> row) {
    row.put(HOSTING_MODEL, decision.hostingModel() == null ? "" : decision.hostingModel());
    return row;
  }

  /** driftguard's own app where known, else the resource it failed on: lower-cased either way, one alert target. */
  private static String selfOr(Optional<String> self, String resource) {
    return FindingState.resourceKey(self.orElse(resource == null ? "" : resource));
  }

  /**
   * {@code notifiedAt}: when people were last told of the finding, null for driftguard's own failures; {@code
   * exemptUntil}: when a tag exemption ends (ISO 8601), null (an empty cell) otherwise.
   */
  private static Map<String, Object> row(Instant now, String resource, String rule, String observed, String desired,
                                         String action, String mode, String step, String openedAt, String notifiedAt,
                                         String exemptUntil,
                                         int severity, String actor, String actorIp, String correlationId,
                                         String eventId, String message) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("TimeGenerated", now.toString());
    row.put("TargetResourceId", resource);
    row.put("Rule", rule);
    row.put("Observed", observed);
    row.put("Desired", desired);
    row.put("Action", action);
    row.put("Mode", mode);
    row.put("ExemptUntil", exemptUntil);
    row.put("State", step);
    row.put("OpenedAt", openedAt.isEmpty() ? null : openedAt);
    row.put("NotifiedAt", notifiedAt);
    row.put("Severity", severity);
    row.put("Actor", actor);
    row.put("ActorIp", actorIp);
    row.put("CorrelationId", correlationId);
    row.put("EventId", eventId);
    row.put("Message", message);
    row.put(HOSTING_MODEL, "");
    return row;
  }
}
