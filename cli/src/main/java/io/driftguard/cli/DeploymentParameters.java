package io.driftguard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftguard.config.Settings;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.policy.ModePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The mode settings a deployment parameters file makes (infra/main.bicep writes {@code mode} as DRIFTGUARD_MODE and
 * each {@code controlModes} entry as DRIFTGUARD_RULE_<ID>), so {@code controls} can show what a deployment with that
 * file will do. The file is the user's input: anything but the documented shape is refused with the reason.
 */
final class DeploymentParameters {

  private static final ObjectMapper JSON = new ObjectMapper();

  private DeploymentParameters() {}

  /** The settings the file's {@code mode} and {@code controlModes} become; the template's default mode without one. */
  static Map<String, String> modeSettings(Path file) {
    JsonNode parameters = read(file).path("parameters");
    Map<String, String> settings = new HashMap<>();
    JsonNode mode = parameters.path("mode");
    if (!mode.isMissingNode()) {
      settings.put(Settings.MODE, text(file, "mode", mode.path("value")));
    }
    JsonNode controlModes = parameters.path("controlModes");
    if (!controlModes.isMissingNode()) {
      JsonNode modes = controlModes.path("value");
      if (!modes.isObject()) {
        throw refused(file, "controlModes.value must be an object of control id to mode");
      }
      for (Iterator<Map.Entry<String, JsonNode>> entries = modes.fields(); entries.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = entries.next();
        if (!ControlCatalog.ids().contains(entry.getKey())) {
          throw refused(file, "controlModes names '" + entry.getKey() + "', which is no control id (ids: "
              + String.join(", ", ControlCatalog.ids()) + ")");
        }
        settings.put(ModePolicy.settingName(entry.getKey()), text(file, "controlModes." + entry.getKey(), entry.getValue()));
      }
    }
    return settings;
  }

  private static JsonNode read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw refused(file, "cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      // Where, not what: a parameters file may hold a webhook URL with its token.
      throw refused(file, "is not JSON (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ")");
    }
  }

  private static String text(Path file, String parameter, JsonNode value) {
    if (!value.isTextual()) {
      throw refused(file, parameter + " must be a text such as \"notify\"");
    }
    return value.asText();
  }

  private static Main.UsageException refused(Path file, String reason) {
    return new Main.UsageException(file + ": " + reason);
  }
}
