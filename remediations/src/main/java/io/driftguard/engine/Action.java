package io.driftguard.engine;

import com.fasterxml.jackson.annotation.JsonValue;

/** What driftguard did about one finding. */
public enum Action {
  FIXED("fixed"),
  ALERTED("alerted"),
  FIX_FAILED("fix-failed");

  private final String label;

  Action(String label) {
    this.label = label;
  }

  @JsonValue
  public String label() {
    return label;
  }
}
