package io.driftguard.sweep;

import java.util.Locale;

/** Where a sweep learns which apps to read ({@code DRIFTGUARD_SWEEP_SOURCE}). */
public enum SweepSource {
  /** List every site of every subscription through ARM, and read each function app's documents. */
  ARM("arm"),
  /** Ask Resource Graph which apps may be drifted, and read only those; ARM listing when it cannot be used. */
  RESOURCE_GRAPH("resourcegraph");

  private final String label;

  SweepSource(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** Parses {@code arm} or {@code resourcegraph} (case-insensitive). */
  public static SweepSource parse(String value) {
    for (SweepSource source : values()) {
      if (source.label.equals(value.trim().toLowerCase(Locale.ROOT))) {
        return source;
      }
    }
    throw new IllegalArgumentException("must be arm or resourcegraph, not '" + value + "'");
  }
}
