package io.driftguard.alert;

import io.driftguard.engine.Action;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Outcome;
import io.driftguard.intake.WriteEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of the findings table ({@code infra/alerts/findings-table.json}): one per finding, plus one when driftguard
 * itself failed. EventId + Rule identify a row, so the alert queries collapse a redelivered event's rows.
 */
public final class FindingRows {

  /** Severity as Azure Monitor alerts use it: 0 critical ... 4 verbose. */
  static final int ERROR = 1;
  static final int WARNING = 2;
  static final int INFORMATIONAL = 3;

  private FindingRows() {}

  public static List<Map<String, Object>> of(WriteEvent event, Decision decision, Instant now) {
    if (decision.findings().isEmpty() && decision.outcome() == Outcome.FAILED) {
      return List.of(row(event, decision, now, "driftguard", "", "", "failed", "", ERROR,
          "driftguard could not evaluate " + decision.resource() + " after a write by " + event.caller().actor()
              + ": " + decision.reason()));
    }
    return decision.findings().stream()
        .map(finding -> row(event, decision, now, finding.rule(), finding.observed(), finding.desired(),
            finding.action().label(), finding.mode() + " (" + finding.modeSource() + ")", severity(finding.action()),
            AlertMessage.of(event, finding)))
        .toList();
  }

  static int severity(Action action) {
    return switch (action) {
      case FIXED, WOULD_FIX, WOULD_ALERT, EXEMPTED -> INFORMATIONAL;
      case ALERTED -> WARNING;
      case FIX_FAILED, BACKED_OFF -> ERROR;
    };
  }

  private static Map<String, Object> row(WriteEvent event, Decision decision, Instant now, String rule, String observed,
                                         String desired, String action, String mode, int severity, String message) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("TimeGenerated", now.toString());
    row.put("TargetResourceId", decision.resource());
    row.put("Rule", rule);
    row.put("Observed", observed);
    row.put("Desired", desired);
    row.put("Action", action);
    row.put("Mode", mode);
    row.put("Severity", severity);
    row.put("Actor", event.caller().actor());
    row.put("ActorIp", event.caller().ipAddress().orElse(""));
    row.put("CorrelationId", event.correlationId().orElse(""));
    row.put("EventId", event.eventId());
    row.put("Message", message);
    return row;
  }
}
