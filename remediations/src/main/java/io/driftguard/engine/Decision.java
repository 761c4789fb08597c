package io.driftguard.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The record of one event: what it was about, who caused it, what driftguard found and did, and what it cost.
 * {@code evaluated} names the controls judged (the others were off); {@code findings} the ones that were wrong.
 * {@code retryable} is true only for failures a redelivery may cure; the function then fails the delivery.
 * {@code hostingModel} names how the app is hosted ({@code Flex Consumption}, ...), null when its site was not read.
 * Every line carries every key (null or [] when unknown), so one schema reads them all.
 * {@code recordingDegraded} is true when Table storage could not be used (claims, flapping, audit, fix intents): the
 * actions still went out, and {@code warnings} say what was not checked or recorded.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Decision(
    String eventId,
    String resource,
    String hostingModel,
    Outcome outcome,
    String reason,
    String changedBy,
    String changedAt,
    String operation,
    List<String> evaluated,
    List<Finding> findings,
    int armReads,
    int armWrites,
    long elapsedMs,
    boolean retryable,
    boolean recordingDegraded,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> warnings) {

  public Decision {
    evaluated = List.copyOf(evaluated);
    findings = List.copyOf(findings);
    warnings = List.copyOf(warnings);
  }

  /** A decision with nothing degraded, of an app whose site was not read. */
  public Decision(String eventId, String resource, Outcome outcome, String reason, String changedBy, String changedAt,
                  String operation, List<String> evaluated, List<Finding> findings, int armReads, int armWrites,
                  long elapsedMs, boolean retryable) {
    this(eventId, resource, null, outcome, reason, changedBy, changedAt, operation, evaluated, findings, armReads,
        armWrites, elapsedMs, retryable, false, List.of());
  }
}
