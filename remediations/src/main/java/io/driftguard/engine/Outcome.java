package io.driftguard.engine;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What became of one event. */
public enum Outcome {
  /** Every evaluated control was compliant. */
  COMPLIANT,
  /** At least one wrong setting was fixed (others may have been alerted). */
  FIXED,
  /** Findings were reported, nothing was changed. */
  ALERTED,
  /** Every finding was on a control exempt by the app's tags: recorded and reported, nothing changed. */
  EXEMPTED,
  /** Dry run: findings were found, nothing was changed or reported. */
  DRIFTED,
  /** Not for driftguard: out of scope, its own write, a duplicate, not a function app, deleted. */
  SKIPPED,
  /** Refused as malformed or forged; nothing was called. */
  REJECTED,
  /** A fix or a call failed; {@code retryable} says whether a redelivery may succeed. */
  FAILED;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
