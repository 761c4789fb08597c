package io.driftguard.policy;

import java.time.Instant;

/**
 * The mode in force for one control on one app, and the setting or tag it came from (for the audit trail).
 * {@code exempt}: switched off by an app's tag. Such a control is still evaluated, never fixed, and its findings are
 * recorded as exempted, so the exemption stays visible; a control off by settings is simply not evaluated.
 * {@code exemptUntil}: when that exemption ends, as read from {@code driftguard-exempt-until}; null without one.
 */
public record ModeDecision(Mode mode, String source, boolean exempt, Instant exemptUntil) {

  public ModeDecision(Mode mode, String source) {
    this(mode, source, false);
  }

  public ModeDecision(Mode mode, String source, boolean exempt) {
    this(mode, source, exempt, null);
  }

  /** Whether the control is read and judged: its mode is on, or it is exempt by tag. */
  public boolean evaluated() {
    return mode != Mode.OFF || exempt;
  }

  /** The same mode, its source followed by what became of an exemption that does not apply. */
  ModeDecision noting(String note) {
    return new ModeDecision(mode, source + " (" + note + ")", exempt, exemptUntil);
  }
}
