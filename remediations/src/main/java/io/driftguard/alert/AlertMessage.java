package io.driftguard.alert;

import io.driftguard.engine.Action;
import io.driftguard.engine.Finding;
import io.driftguard.engine.FindingState;
import io.driftguard.intake.WriteEvent;
import io.driftguard.text.Printable;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The one line an on-call engineer reads first: who wrote what on which app and when, what driftguard did, the command
 * that fixes it, and the tag that exempts it. What was written is the event's own: a {@code config/web} write is never
 * told as a write of the site, even when the finding is on the site.
 */
final class AlertMessage {

  private AlertMessage() {}

  /** {@code writtenBy}: for drift a sweep found, who last wrote the document (a sentence), else empty. */
  static String of(WriteEvent event, List<WriteEvent> alsoAnswered, Finding finding, String writtenBy) {
    String app = event.site().displayName() + " (" + (finding.hostingModel() == null ? "" : finding.hostingModel() + ", ")
        + "resource group " + event.site().resourceGroup() + ")";
    String written = event.target().child().orElse("site");
    String change = event.foundBySweep()
        ? "A driftguard sweep found " + finding.document() + " of " + app + " drifted at " + event.eventTime() + ": "
            + finding.subject() + " is " + finding.observed() + " (wants " + finding.desired() + ")." + writtenBy
        : event.caller().displayName() + " wrote " + written + " of " + app + " at " + event.eventTime()
            + event.operationName().map(operation -> " (operation " + Printable.abbreviate(operation) + ")").orElse("")
            + alsoWrittenBy(event, alsoAnswered) + "; " + finding.subject()
            + (finding.document().equals(written) ? " is now " : " (" + finding.document() + ") is ")
            + finding.observed() + " (wants " + finding.desired() + ").";
    String exempt = " Exempt: tag the app driftguard-exempt=" + finding.rule()
        + " with driftguard-exempt-until=<date> and driftguard-exempt-reason=<why>.";
    return Printable.clean(switch (finding.action()) {
      case FIXED -> change + " driftguard fixed it: wrote " + finding.written() + " (" + finding.modeSource()
          + " = autofix). Nothing to do unless this was intended." + exempt;
      case ALERTED -> change + " driftguard did not change it (" + finding.modeSource() + " = " + finding.mode()
          + "). Fix: " + finding.manualFix() + "." + exempt;
      case FIX_FAILED -> change + " driftguard's fix failed: " + finding.detail() + ". Fix: " + finding.manualFix()
          + "." + exempt;
      case REFUSED_BY_ARM -> change + " driftguard's fix was refused: " + finding.detail()
          + ". Reported once; the setting is where this hosting model keeps it, not on the site." + exempt;
      case BACKED_OFF -> change + " driftguard stopped auto-fixing it: " + finding.detail() + " Fix: "
          + finding.manualFix() + "." + exempt;
      case EXEMPTED -> change + " driftguard did not change it: exempt by " + finding.modeSource()
          + ". Fix: " + finding.manualFix() + ", or remove the tag to let driftguard act.";
      case WOULD_FIX, WOULD_ALERT -> change + " Dry run: driftguard would " + (finding.action() == Action.WOULD_FIX
          ? "fix it" : "report it") + " (" + finding.modeSource() + " = " + finding.mode() + ")." + exempt;
    });
  }

  /**
   * What a step adds to a finding's message: how long a reminded or standing finding has been open, that an exemption
   * ended.
   */
  static String step(FindingState state) {
    return switch (state.last()) {
      case REMINDED -> " Reminder: open since " + state.openedAt() + ".";
      case STANDING -> " Still open since " + state.openedAt() + "; people were told at " + state.notifiedAt() + ".";
      case EXEMPTION_ENDED -> " Its exemption expired or was removed.";
      default -> "";
    };
  }

  /**
   * A finding that stands as people were told although this evaluation did not judge its control (its document
   * missing, not applicable now, a setting ARM refused): restated, so that its alert stays open.
   */
  static String unjudged(WriteEvent event, FindingState state) {
    return Printable.clean(state.rule() + " of " + event.site().displayName() + " (resource group "
        + event.site().resourceGroup() + ") stands as people were told at " + state.notifiedAt() + ": "
        + state.observed() + " (wants " + state.desired() + ") since " + state.openedAt()
        + "; this evaluation did not judge it (its decision says why).");
  }

  /** A finding closed without one of its own: the control is compliant again, or the app is gone. */
  static String resolved(WriteEvent event, FindingState state) {
    return Printable.clean(state.rule() + " of " + event.site().displayName() + " (resource group "
        + event.site().resourceGroup() + ") is resolved at " + state.changedAt() + ": "
        + (state.by().equals(FindingState.APP_DELETED) || state.by().equals(FindingState.CONTROL_OFF) ? state.by()
            : "compliant again, by " + state.by())
        + "; it was " + state.observed() + " (wants " + state.desired() + ") since " + state.openedAt()
        + ". Nothing to do.");
  }

  /** {@code ; also written by dave, erin}: the other callers one evaluation answered, each once; empty if none. */
  static String alsoWrittenBy(WriteEvent event, List<WriteEvent> alsoAnswered) {
    String others = alsoAnswered.stream().map(other -> other.caller().displayName())
        .filter(name -> !Objects.equals(name, event.caller().displayName()))
        .distinct()
        .collect(Collectors.joining(", "));
    return others.isEmpty() ? "" : "; also written by " + others;
  }
}
