package io.driftguard.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.config.Settings;
import io.driftguard.controls.Control;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.policy.Mode;
import io.driftguard.policy.ModePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped parameters deploy notify first (docs/rollout.md): no control fixes anything until a platform team turns
 * auto-fix on for it, one control at a time, in {@code controlModes}.
 */
class NotifyFirstParametersTest {

  static final Path PARAMETERS = InfraContractTest.INFRA.resolve("main.parameters.json");

  @Test
  void theShippedParametersMentionNoAutofix() throws IOException {
    assertFalse(Files.readString(PARAMETERS).toLowerCase(Locale.ROOT).contains("autofix"),
        "main.parameters.json turns auto-fix on: the shipped deployment must be notify-only");
  }

  /** The settings the template writes from the shipped parameters leave every control, on an untagged app, unfixed. */
  @Test
  void everyControlRunsInNotifyOrOffWithTheShippedParameters() throws IOException {
    Settings settings = Settings.from(settingsWrittenFrom(InfraContractTest.read("main.parameters.json").get("parameters")));
    ModePolicy policy = new ModePolicy(settings.mode(), settings.controlModes(), settings.tagExemptions(), Clock.systemUTC());
    List<Control> controls = ControlCatalog.defaults().all();
    assertFalse(controls.isEmpty());
    for (Control control : controls) {
      assertFalse(policy.effectiveConfigured(control).mode() == Mode.AUTOFIX,
          control.id() + " would be fixed with the shipped parameters: " + policy.effectiveConfigured(control));
    }
    assertEquals(Mode.NOTIFY, settings.mode(), "the shipped global mode");
  }

  /** Auto-fix is switched on per control by the one parameter that writes DRIFTGUARD_RULE_<ID>, never globally by default. */
  @Test
  void autofixIsAnExplicitPerControlParameter() {
    String main = BicepTemplateTest.text("main.bicep");
    assertTrue(main.contains("param mode string = 'notify'"), "the template's global mode defaults to notify");
    assertTrue(main.contains("param controlModes object = {}"), "no control is in a mode of its own unless the parameters say");
  }

  /**
   * DRIFTGUARD_MODE and DRIFTGUARD_RULE_<ID> as main.bicep writes them from these parameters (BicepTemplateTest checks
   * the template's naming); a parameter left out takes the template's default.
   */
  static Map<String, String> settingsWrittenFrom(JsonNode parameters) {
    Map<String, String> environment = new LinkedHashMap<>();
    String main = BicepTemplateTest.text("main.bicep");
    Matcher modeDefault = Pattern.compile("param mode string = '(\\w+)'").matcher(main);
    assertTrue(modeDefault.find(), "main.bicep gives mode a default");
    environment.put(Settings.MODE, parameters.has("mode") ? parameters.get("mode").get("value").asText() : modeDefault.group(1));
    if (parameters.has("controlModes")) {
      parameters.get("controlModes").get("value").fields().forEachRemaining(control ->
          environment.put(ModePolicy.settingName(control.getKey()), control.getValue().asText()));
    }
    return environment;
  }
}
