package io.driftguard.alert;

import io.driftguard.engine.Action;
import io.driftguard.engine.Finding;
import io.driftguard.intake.WriteEvent;

/**
 * The one line an on-call engineer reads first: who wrote what on which app and when, what driftguard did, the command
 * that fixes it, and the tag that exempts it.
 */
final class AlertMessage {

  private AlertMessage() {}

  static String of(WriteEvent event, Finding finding) {
    String app = event.site().displayName() + " (resource group " + event.site().resourceGroup() + ")";
    String state = finding.rule() + " is " + finding.observed() + " (wants " + finding.desired() + ").";
    String change = event.foundBySweep()
        ? "A driftguard sweep found " + finding.document() + " of " + app + " drifted at " + event.eventTime() + ": " + state
        : event.caller().displayName() + " wrote " + finding.document() + " of " + app + " at " + event.eventTime() + "; "
            + finding.rule() + " is now " + finding.observed() + " (wants " + finding.desired() + ").";
    String exempt = " Exempt: tag the app driftguard-exempt=" + finding.rule() + ".";
    return switch (finding.action()) {
      case FIXED -> change + " driftguard fixed it: wrote " + finding.written() + " (" + finding.modeSource()
          + " = autofix). Nothing to do unless this was intended." + exempt;
      case ALERTED -> change + " driftguard did not change it (" + finding.modeSource() + " = " + finding.mode()
          + "). Fix: " + finding.manualFix() + "." + exempt;
      case FIX_FAILED -> change + " driftguard's fix failed: " + finding.detail() + ". Fix: " + finding.manualFix()
          + "." + exempt;
      case BACKED_OFF -> change + " driftguard stopped auto-fixing it: " + finding.detail() + " Fix: "
          + finding.manualFix() + "." + exempt;
      case EXEMPTED -> change + " driftguard did not change it: exempt by " + finding.modeSource()
          + ". Fix: " + finding.manualFix() + ", or remove the tag to let driftguard act.";
      case WOULD_FIX, WOULD_ALERT -> change + " Dry run: driftguard would " + (finding.action() == Action.WOULD_FIX
          ? "fix it" : "report it") + " (" + finding.modeSource() + " = " + finding.mode() + ")." + exempt;
    };
  }
}
