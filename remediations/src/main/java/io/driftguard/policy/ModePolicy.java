package io.driftguard.policy;

import io.driftguard.controls.Control;
import io.driftguard.state.SiteState;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves the mode of a control on an app. The most specific word wins:
 * tag {@code driftguard-exempt} (control ids) &gt; tag {@code driftguard-mode} &gt; {@code DRIFTGUARD_RULE_<ID>} &gt;
 * {@code DRIFTGUARD_MODE}. An unreadable tag value means {@code notify}: never a write the owner did not ask for.
 */
public final class ModePolicy {

  public static final String MODE_TAG = "driftguard-mode";
  public static final String EXEMPT_TAG = "driftguard-exempt";

  private final Mode globalMode;
  private final Map<String, Mode> controlModes;

  public ModePolicy(Mode globalMode, Map<String, Mode> controlModes) {
    this.globalMode = globalMode;
    this.controlModes = Map.copyOf(controlModes);
  }

  /** The mode from settings alone, before the app's tags are known. */
  public ModeDecision configured(Control control) {
    Mode controlMode = controlModes.get(control.id());
    return controlMode != null
        ? new ModeDecision(controlMode, settingName(control.id()))
        : new ModeDecision(globalMode, "DRIFTGUARD_MODE");
  }

  public ModeDecision resolve(Control control, SiteState site) {
    Optional<String> exempt = site.tag(EXEMPT_TAG);
    if (exempt.isPresent() && lists(exempt.get(), control.id())) {
      return new ModeDecision(Mode.OFF, "tag " + EXEMPT_TAG);
    }
    Optional<String> tagged = site.tag(MODE_TAG);
    if (tagged.isPresent()) {
      try {
        return new ModeDecision(Mode.parse(tagged.get()), "tag " + MODE_TAG);
      } catch (IllegalArgumentException e) {
        return new ModeDecision(Mode.NOTIFY, "tag " + MODE_TAG + " is unreadable ('" + tagged.get() + "'), so notify");
      }
    }
    return configured(control);
  }

  /** Names opt-in controls to turn on for an app (in the mode resolved for it). */
  public static final String ENABLE_TAG = "driftguard-enable";
  /** Names controls whose fix the app's owner asks for: guarded ones included, opt-in ones turned on. */
  public static final String AUTOFIX_TAG = "driftguard-autofix";

  /** The mode in force for a control on an app: {@link #resolve} within the control's risk and opt-in default. */
  public ModeDecision effective(Control control, SiteState site) {
    return withinRisk(control, resolve(control, site), site.tag(ENABLE_TAG), site.tag(AUTOFIX_TAG));
  }

  /** The mode from settings alone, within the control's risk and opt-in default: what an untagged app gets. */
  public ModeDecision effectiveConfigured(Control control) {
    return withinRisk(control, configured(control), Optional.empty(), Optional.empty());
  }

  /**
   * Opt-in controls stay off unless their own setting or a tag names them; guarded ones fix only when their own
   * setting or the {@link #AUTOFIX_TAG} asks; report-only ones never fix.
   */
  private ModeDecision withinRisk(Control control, ModeDecision resolved, Optional<String> enableTag,
                                  Optional<String> autofixTag) {
    String id = control.id();
    if (resolved.mode() == Mode.OFF) {
      return resolved;
    }
    boolean fixAsked = autofixTag.filter(tag -> lists(tag, id)).isPresent();
    boolean enabled = controlModes.containsKey(id) || fixAsked || enableTag.filter(tag -> lists(tag, id)).isPresent();
    if (control.optIn() && !enabled) {
      return new ModeDecision(Mode.OFF, "opt-in: off unless " + settingName(id) + " or tag " + ENABLE_TAG + " turns it on");
    }
    ModeDecision wanted = fixAsked ? new ModeDecision(Mode.AUTOFIX, "tag " + AUTOFIX_TAG) : resolved;
    if (wanted.mode() != Mode.AUTOFIX) {
      return wanted;
    }
    return switch (control.risk()) {
      case SAFE -> wanted;
      case GUARDED -> fixAsked || controlModes.get(id) == Mode.AUTOFIX ? wanted
          : new ModeDecision(Mode.NOTIFY, "guarded: notify unless " + settingName(id) + "=autofix or tag " + AUTOFIX_TAG
              + " asks for the fix (" + wanted.source() + " says autofix)");
      case REPORT_ONLY -> new ModeDecision(Mode.NOTIFY, "report-only: no fix exists (" + wanted.source() + " says autofix)");
    };
  }

  /** {@code DRIFTGUARD_RULE_MIN_TLS} for {@code min-tls}. */
  public static String settingName(String controlId) {
    return "DRIFTGUARD_RULE_" + controlId.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static boolean lists(String tagValue, String controlId) {
    return Arrays.stream(tagValue.split(","))
        .map(String::trim)
        .anyMatch(id -> id.equalsIgnoreCase(controlId) || id.equalsIgnoreCase("all"));
  }
}
