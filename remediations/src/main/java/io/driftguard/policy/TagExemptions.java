package io.driftguard.policy;

import java.util.Locale;

/**
 * Whether app owners may exempt their own apps by tag ({@code DRIFTGUARD_TAG_EXEMPTIONS}): a platform team that does
 * not trust owners with that choice reports or ignores the tags instead.
 */
public enum TagExemptions {
  /** {@code driftguard-exempt} and {@code driftguard-mode=off} exempt a control; its findings are recorded as exempted. */
  HONOUR,
  /** The exempting tags are named on each finding, and the control runs in its normal mode. */
  REPORT,
  /** Every driftguard tag is disregarded: settings alone choose the mode. */
  IGNORE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code honour}, {@code report} or {@code ignore} (case-insensitive, surrounding spaces ignored). */
  public static TagExemptions parse(String value) {
    return Labels.parse(values(), value, "honour, report or ignore");
  }
}
