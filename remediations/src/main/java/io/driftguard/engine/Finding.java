package io.driftguard.engine;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One wrong setting and what was done about it. {@code modeSource} names the setting or tag that chose the mode;
 * {@code written} is the value a fix wrote; {@code manualFix} is the command a person runs instead;
 * {@code detail} explains a failed fix.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Finding(
    String rule,
    String title,
    String document,
    String observed,
    String desired,
    String mode,
    String modeSource,
    Action action,
    String written,
    String manualFix,
    String detail) {

  Finding failed(String why) {
    return new Finding(rule, title, document, observed, desired, mode, modeSource, Action.FIX_FAILED, null, manualFix, why);
  }
}
