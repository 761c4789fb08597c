package io.driftguard.controls;

import java.util.Locale;

/** What a fix can break, and so how far the resolved mode may go for a control. */
public enum Risk {
  /** A fix breaks nothing a secure app relies on: the control follows the resolved mode. */
  SAFE,
  /**
   * A fix can break callers or deployments: at most {@code notify}, unless the control's own
   * {@code DRIFTGUARD_RULE_<ID>=autofix} or the app's tag {@code driftguard-autofix} naming it asks for the fix (the
   * tag only where {@code DRIFTGUARD_TAG_OPT_IN} lets tags ask for it).
   */
  GUARDED,
  /** No fix exists that driftguard could write safely: reported only; {@code autofix} for it is an invalid setting. */
  REPORT_ONLY;

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
