package io.driftguard.engine;

import com.fasterxml.jackson.annotation.JsonValue;

/** What driftguard did about one finding. */
public enum Action {
  FIXED("fixed"),
  ALERTED("alerted"),
  FIX_FAILED("fix-failed"),
  /** Not fixed because someone keeps reverting it: auto-fix paused for a cool-down, and people alerted. */
  BACKED_OFF("backed-off"),
  /** Dry run: auto-fix would fix it. */
  WOULD_FIX("would-fix"),
  /** Dry run: notify mode would report it. */
  WOULD_ALERT("would-alert"),
  /**
   * Not fixed: ARM refuses this setting on this app's hosting model. Reported once; the control is not tried again on
   * the app until its hosting model changes.
   */
  REFUSED_BY_ARM("refused-by-arm"),
  /** Not fixed: the control is exempt by the app's tag. Recorded and reported so the exemption stays visible. */
  EXEMPTED("exempted");

  private final String label;

  Action(String label) {
    this.label = label;
  }

  @JsonValue
  public String label() {
    return label;
  }

  public static Action ofLabel(String label) {
    for (Action action : values()) {
      if (action.label.equals(label)) {
        return action;
      }
    }
    throw new IllegalArgumentException("unknown action: " + label);
  }
}
