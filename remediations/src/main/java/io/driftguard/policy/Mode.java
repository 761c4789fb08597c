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
    return Labels.parse(values(), value, "autofix, notify or off");
  }
}
