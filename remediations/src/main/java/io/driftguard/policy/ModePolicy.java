package io.driftguard.policy;

import io.driftguard.controls.Control;
import io.driftguard.state.SiteState;
import io.driftguard.text.Printable;
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
        return new ModeDecision(Mode.NOTIFY, "tag " + MODE_TAG + " is unreadable ('" + Printable.abbreviate(tagged.get()) + "'), so notify");
      }
    }
    return configured(control);
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
