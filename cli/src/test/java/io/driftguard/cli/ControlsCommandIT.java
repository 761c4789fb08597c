package io.driftguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SiteHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code driftguard controls} and {@code explain} as processes, with settings from the environment and tags on apps. */
class ControlsCommandIT {

  private static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000c0a7a";
  private static Sandbox sandbox;

  @TempDir
  Path temp;

  @BeforeAll
  static void startSandbox() {
    sandbox = Sandbox.start();
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  private static Map<String, JsonNode> byKey(List<JsonNode> lines, String... keys) {
    return lines.stream().collect(Collectors.toMap(
        line -> java.util.Arrays.stream(keys).map(key -> line.get(key).asText()).collect(Collectors.joining(" ")),
        line -> line));
  }

  @Test
  void controlsListsTheCatalogWithEachEffectiveModeAndItsSource() throws Exception {
    CliProcess.Result run = CliProcess.run(sandbox, temp,
        Map.of("DRIFTGUARD_MODE", "autofix", "DRIFTGUARD_RULE_HTTP2_ENABLED", "notify"), "", "controls", "--json");

    assertEquals(0, run.exit(), run.stderr());
    Map<String, JsonNode> controls = byKey(run.jsonLines(), "id");
    assertEquals(ControlCatalog.ids(), run.jsonLines().stream().map(line -> line.get("id").asText()).toList());
    assertEquals("autofix", controls.get("min-tls").get("mode").asText());
    assertEquals("DRIFTGUARD_MODE", controls.get("min-tls").get("modeSource").asText());
    assertEquals("notify", controls.get("cors-no-wildcard").get("mode").asText());
    assertTrue(controls.get("cors-no-wildcard").get("modeSource").asText().startsWith("guarded"));
    assertEquals("notify", controls.get("runtime-supported").get("mode").asText());
    assertEquals("off", controls.get("auth-enabled").get("mode").asText());
    assertEquals("opt-in", controls.get("auth-enabled").get("defaultState").asText());
    assertEquals("notify", controls.get("http2-enabled").get("mode").asText());
    assertEquals("DRIFTGUARD_RULE_HTTP2_ENABLED", controls.get("http2-enabled").get("modeSource").asText());
    assertEquals("controlModes.http2-enabled", controls.get("http2-enabled").get("parameter").asText());
    assertEquals("mode", controls.get("min-tls").get("parameter").asText());
    assertEquals("controlModes.auth-enabled", controls.get("auth-enabled").get("parameter").asText());
    assertTrue(run.stderr().contains("global mode autofix (DRIFTGUARD_MODE, deployment parameter mode)"), run.stderr());

    CliProcess.Result table = CliProcess.run(sandbox, temp, Map.of(), "", "controls");
    assertEquals(0, table.exit(), table.stderr());
    assertTrue(table.stdout().contains("scm-basic-auth-off"), table.stdout());
    assertTrue(table.stdout().contains("notify (DRIFTGUARD_MODE, parameter mode)"), table.stdout());
  }

  @Test
  void explainSaysWhichSettingOrTagChoseEachModeOnTheAppAndItsSlots() throws Exception {
    SiteHandle app = sandbox.arm().seedSite(SUBSCRIPTION, "rg-explain", "func-explain", "functionapp", Map.of(
        "driftguard-autofix", "cors-no-wildcard", "driftguard-exempt", "min-tls"), true, Map.of());
    sandbox.arm().seedSlot(SUBSCRIPTION, "rg-explain", "func-explain", "blue", "functionapp",
        Map.of("driftguard-enable", "auth-enabled"), true, Map.of());

    CliProcess.Result run = CliProcess.run(sandbox, temp, Map.of("DRIFTGUARD_MODE", "notify"), "",
        "explain", "--subscription", SUBSCRIPTION, "--resource-group", "rg-explain", "--app", "func-explain", "--json");

    assertEquals(0, run.exit(), run.stderr());
    Map<String, JsonNode> modes = byKey(run.jsonLines(), "app", "control");
    assertEquals(2 * ControlCatalog.ids().size(), modes.size());
    assertEquals("autofix", modes.get("func-explain cors-no-wildcard").get("mode").asText());
    assertEquals("tag driftguard-autofix", modes.get("func-explain cors-no-wildcard").get("modeSource").asText());
    assertEquals("off", modes.get("func-explain min-tls").get("mode").asText());
    assertTrue(modes.get("func-explain min-tls").get("modeSource").asText().startsWith("tag driftguard-exempt=min-tls"));
    assertEquals("off", modes.get("func-explain auth-enabled").get("mode").asText());
    assertEquals("notify", modes.get("func-explain/blue auth-enabled").get("mode").asText());
    assertEquals("notify", modes.get("func-explain/blue min-tls").get("mode").asText(), "the slot has its own tags");
    List<RecordedRequest> requests = sandbox.arm().requests().stream()
        .filter(request -> request.path().contains("func-explain")).toList();
    assertEquals(List.of("GET " + app.id(), "GET " + app.id() + "/slots"),
        requests.stream().map(request -> request.method() + " " + request.path()).toList(), "one read, one listing");
  }
}
