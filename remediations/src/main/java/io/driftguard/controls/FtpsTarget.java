package io.driftguard.controls;

import java.util.List;

/** The FTP state driftguard enforces ({@code DRIFTGUARD_FTPS_STATE}). */
public enum FtpsTarget {
  /** No FTP at all: the only compliant state. */
  DISABLED("Disabled", "Disabled"),
  /** FTPS allowed, plain FTP not: both {@code FtpsOnly} and {@code Disabled} are compliant. */
  FTPS_ONLY("FtpsOnly", "FtpsOnly or Disabled");

  private final String armValue;
  private final String description;

  FtpsTarget(String armValue, String description) {
    this.armValue = armValue;
    this.description = description;
  }

  public String armValue() {
    return armValue;
  }

  String description() {
    return description;
  }

  /** The values {@link #accepts} takes, as ARM spells them. */
  List<String> compliantValues() {
    return this == DISABLED ? List.of(armValue) : List.of(armValue, DISABLED.armValue);
  }

  boolean accepts(String observed) {
    return observed.equalsIgnoreCase(armValue) || observed.equalsIgnoreCase(DISABLED.armValue);
  }

  /** Parses a setting value, {@code Disabled} or {@code FtpsOnly} (case-insensitive). */
  public static FtpsTarget parse(String value) {
    for (FtpsTarget target : values()) {
      if (target.armValue.equalsIgnoreCase(value)) {
        return target;
      }
    }
    throw new IllegalArgumentException("must be Disabled or FtpsOnly, not '" + value + "'");
  }
}
