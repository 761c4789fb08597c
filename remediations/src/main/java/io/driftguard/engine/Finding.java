package io.driftguard.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.driftguard.controls.Control;
import io.driftguard.controls.Evaluation;
import io.driftguard.policy.Mode;
import io.driftguard.policy.ModeDecision;
import io.driftguard.resource.HostingModel;
import io.driftguard.resource.SiteRef;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One wrong setting and what was done about it. {@code modeSource} names the setting or tag that chose the mode;
 * {@code written} is the value a fix wrote; {@code manualFix} is the command a person runs instead;
 * {@code detail} explains a failed fix; {@code peers} names the Azure Policy built-in and Defender recommendation that
 * check the same; {@code exemptUntil} is when an exemption by tag ends (ISO 8601, as driftguard read it), null for a
 * finding that is not exempted or an exemption without an end; {@code hostingModel} how the app is hosted (null for a
 * finding read back from the audit trail); {@code property} names the property whose values {@code observed},
 * {@code desired} and {@code written} show (e.g. {@code allow}), null when they sum up several.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Finding(
    String rule,
    String title,
    String document,
    String property,
    String observed,
    String desired,
    String mode,
    String modeSource,
    Action action,
    String written,
    String manualFix,
    String detail,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> peers,
    String exemptUntil,
    String hostingModel) {

  /** A finding neither exempted until a date nor of a known hosting model (as read back from the audit trail). */
  public Finding(String rule, String title, String document, String property, String observed, String desired,
                 String mode, String modeSource, Action action, String written, String manualFix, String detail,
                 List<String> peers) {
    this(rule, title, document, property, observed, desired, mode, modeSource, action, written, manualFix, detail,
        peers, null, null);
  }

  /** The mode as rows show it: the mode and what chose it (a setting, a tag with its expiry, a back-off). */
  public String modeText() {
    return mode + " (" + modeSource + ")";
  }

  /**
   * The rule and {@code values} under the name of the property they show, as findings and alerts print them:
   * {@code ftp-basic-auth-off allow: true -> false}.
   */
  public String describe(String values) {
    return subject() + ": " + values;
  }

  /** {@code values} under the name of the property they show, e.g. {@code allow: true -> false}. */
  public String named(String values) {
    return property == null ? values : property + ": " + values;
  }

  /** The rule, then the property its values show: {@code ftp-basic-auth-off allow}. */
  public String subject() {
    return property == null ? rule : rule + " " + property;
  }

  /** A finding as the mode leaves it: {@code alerted}, or {@code exempted} by tag; {@link #fixing} turns it into a fix. */
  static Finding of(Control control, Evaluation evaluation, ModeDecision mode, SiteRef site, HostingModel hosting) {
    return new Finding(control.id(), control.title(), control.document().name(), control.property().orElse(null),
        evaluation.observed(),
        evaluation.desired(), mode.mode().label(), mode.source(), mode.exempt() ? Action.EXEMPTED : Action.ALERTED, null,
        control.manualFix(site), null, control.peers(),
        mode.exemptUntil() == null ? null : mode.exemptUntil().toString(), hosting.label());
  }

  /** The finding as a fix, with the value the fix writes. */
  Finding fixing(Evaluation evaluation) {
    String value = evaluation.fix().values().stream().map(String::valueOf).collect(Collectors.joining(", "));
    return new Finding(rule, title, document, property, observed, desired, mode, modeSource, Action.FIXED, value, manualFix, null, peers,
        exemptUntil, hostingModel);
  }

  Finding failed(String why) {
    return new Finding(rule, title, document, property, observed, desired, mode, modeSource, Action.FIX_FAILED, null, manualFix, why, peers,
        exemptUntil, hostingModel);
  }

  /** ARM refuses the fix on this kind of site: {@code why} is its answer. */
  Finding refusedByArm(String why) {
    return new Finding(rule, title, document, property, observed, desired, mode, modeSource, Action.REFUSED_BY_ARM, null,
        manualFix, why, peers, exemptUntil, hostingModel);
  }

  /** Dry run: what the mode would do, nothing done. */
  Finding wouldBeHandled() {
    Action would = Mode.AUTOFIX.label().equals(mode) ? Action.WOULD_FIX : Action.WOULD_ALERT;
    return new Finding(rule, title, document, property, observed, desired, mode, modeSource, would, null, manualFix, null, peers,
        exemptUntil, hostingModel);
  }

  /** Not fixed: this decision starts a flapping back-off. */
  Finding backedOff(String why) {
    return new Finding(rule, title, document, property, observed, desired, mode, modeSource, Action.BACKED_OFF, null, manualFix, why, peers,
        exemptUntil, hostingModel);
  }

  /** Reported, not fixed: a flapping back-off is in force. */
  Finding pausedUntil(Instant until, String why) {
    return new Finding(rule, title, document, property, observed, desired, Mode.NOTIFY.label(),
        "flapping back-off until " + until, Action.ALERTED, null, manualFix, why, peers,
        exemptUntil, hostingModel);
  }
}
