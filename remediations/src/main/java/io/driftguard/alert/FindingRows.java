package io.driftguard.alert;

import io.driftguard.engine.Action;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Outcome;
import io.driftguard.intake.WriteEvent;
import io.driftguard.text.Printable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of the findings table ({@code infra/alerts/findings-table.json}): one per finding, plus one when driftguard
 * itself failed, or a sweep refused a listed site. EventId + Rule identify a row, so the alert queries collapse a
 * redelivered event's rows.
 */
public final class FindingRows {

  /** Severity as Azure Monitor alerts use it: 0 critical ... 4 verbose. */
  static final int ERROR = 1;
  static final int WARNING = 2;
  static final int INFORMATIONAL = 3;

  /** How the app is hosted ({@code Flex Consumption}, ...); empty when its site was not read. */
  private static final String HOSTING_MODEL = "HostingModel";

  private FindingRows() {}

  /** {@code alsoAnswered}: other events the same evaluation answered; the message names their callers too. */
  public static List<Map<String, Object>> of(WriteEvent event, List<WriteEvent> alsoAnswered, Decision decision,
                                             Instant now) {
    if (decision.findings().isEmpty() && decision.outcome() == Outcome.FAILED) {
      return List.of(row(event, decision, now, "driftguard", "", "", "failed", "", null, ERROR, Printable.clean(
          "driftguard could not evaluate " + decision.resource() + " after a write by " + event.caller().actor()
              + AlertMessage.alsoWrittenBy(event, alsoAnswered) + ": " + decision.reason())));
    }
    return decision.findings().stream()
        .map(finding -> row(event, decision, now, finding.rule(), finding.observed(), finding.desired(),
            finding.action().label(), finding.mode() + " (" + finding.modeSource() + ")", finding.exemptUntil(),
            severity(finding.action()), AlertMessage.of(event, alsoAnswered, finding)))
        .toList();
  }

  /**
   * The row of a listed site a sweep refused to touch (its id does not parse, or names another subscription): nobody
   * wrote it through an event, so the sweep run is its correlation id and the refusal its message.
   */
  public static Map<String, Object> ofRefusedListing(Decision decision, String runId, Instant now) {
    return row(now, decision.resource(), "driftguard", "", "", "failed", "", null, ERROR, "driftguard sweep " + runId,
        "", runId, decision.eventId(), Printable.clean("A driftguard sweep refused a listed site " + decision.resource()
            + ": " + decision.reason()
            + ". Check who can write this subscription's site list or its stored sweep state."));
  }

  /** The one row of a sweep the Functions host gave up on (its message went to the poison queue). */
  public static Map<String, Object> abandonedSweep(String subscription, String messageId, String problem, Instant now) {
    return row(now, subscription.isEmpty() ? "" : "/subscriptions/" + subscription, "driftguard", "", "", "failed", "",
        null, ERROR, "driftguard sweep queue", "", "", "sweep-abandoned-" + messageId,
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

  private static Map<String, Object> row(WriteEvent event, Decision decision, Instant now, String rule, String observed,
                                         String desired, String action, String mode, String exemptUntil, int severity,
                                         String message) {
    Map<String, Object> row = row(now, decision.resource(), rule, observed, desired, action, mode, exemptUntil, severity,
        event.caller().actor(), event.caller().ipAddress().orElse(""), event.correlationId().orElse(""),
        event.eventId(), message);
    row.put(HOSTING_MODEL, decision.hostingModel() == null ? "" : decision.hostingModel());
    return row;
  }

  /**
   * {@code exemptUntil}: when a tag exemption ends, as driftguard read it, in a column of its own so that views never
   * take a date from the reason's free text; null (an empty cell) otherwise.
   */
  private static Map<String, Object> row(Instant now, String resource, String rule, String observed, String desired,
                                         String action, String mode, String exemptUntil, int severity, String actor,
                                         String actorIp, String correlationId, String eventId, String message) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("TimeGenerated", now.toString());
    row.put("TargetResourceId", resource);
    row.put("Rule", rule);
    row.put("Observed", observed);
    row.put("Desired", desired);
    row.put("Action", action);
    row.put("Mode", mode);
    row.put("ExemptUntil", exemptUntil);
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
