package io.driftguard.policy;

import java.util.Locale;

/** What driftguard does about a finding. */
public enum Mode {
  /** Fix the wrong setting and tell the team it was fixed. */
  AUTOFIX,
  /** Change nothing; raise an alert. The default: the safe choice. */
  NOTIFY,
  /** Do not evaluate the control at all. */
  OFF;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code autofix}, {@code notify} or {@code off} (case-insensitive, surrounding spaces ignored). */
  public static Mode parse(String value) {
    String normalized = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (Mode mode : values()) {
      if (mode.label().equals(normalized)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("must be autofix, notify or off, not '" + value + "'");
  }
}
