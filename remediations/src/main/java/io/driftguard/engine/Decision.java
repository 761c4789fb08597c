package io.driftguard.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The record of one event: what it was about, who caused it, what driftguard found and did, and what it cost.
 * {@code evaluated} names the controls judged (the others were off); {@code findings} the ones that were wrong.
 * {@code retryable} is true only for failures a redelivery may cure; the function then fails the delivery.
 * Every line carries every key (null or [] when unknown), so one schema reads them all.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Decision(
    String eventId,
    String resource,
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
    boolean retryable) {

  public Decision {
    evaluated = List.copyOf(evaluated);
    findings = List.copyOf(findings);
  }
}
