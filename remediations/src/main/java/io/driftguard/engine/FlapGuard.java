package io.driftguard.engine;

import io.driftguard.resource.SiteRef;
import java.time.Instant;

/**
 * Notices a person or pipeline undoing driftguard's fixes over and over, and pauses auto-fix for that app and control
 * instead of fighting forever.
 */
public interface FlapGuard {

  /** No flapping state (no storage configured): every fix is allowed. */
  FlapGuard NONE = new FlapGuard() {
    @Override
    public Verdict beforeFix(SiteRef site, String rule, Instant now) {
      return Verdict.ALLOW;
    }

    @Override
    public void fixed(SiteRef site, String rule, Instant now, String actor) {}
  };

  /** May driftguard fix this control on this app now? */
  Verdict beforeFix(SiteRef site, String rule, Instant now);

  /** Records a fix that landed, and who caused it. */
  void fixed(SiteRef site, String rule, Instant now, String actor);

  /**
   * {@code allowed}: fix it. Otherwise auto-fix is paused until {@code until}; {@code started} is true for the decision
   * that starts the pause (the one that raises the high-severity alert), and {@code explanation} says why and who.
   */
  record Verdict(boolean allowed, boolean started, Instant until, String explanation) {
    public static final Verdict ALLOW = new Verdict(true, false, null, null);
  }
}
