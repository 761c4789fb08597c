package io.driftguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.sandbox.Hosting;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SiteHandle;
import java.nio.file.Files;
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
    assertEquals("autofix", controls.get("min-tls").get("mostATagCanGet").asText(), "settings fix it anyway");
    assertEquals("notify", controls.get("cors-no-wildcard").get("mostATagCanGet").asText());
    assertEquals("a tag asking for autofix gets notify: DRIFTGUARD_TAG_OPT_IN=none",
        controls.get("cors-no-wildcard").get("mostATagCanGetSource").asText());
    assertEquals("notify", controls.get("runtime-supported").get("mode").asText());
    assertEquals("off", controls.get("auth-enabled").get("mode").asText());
    assertEquals("opt-in", controls.get("auth-enabled").get("defaultState").asText());
    assertEquals("Flex Consumption has no FTP",
        controls.get("ftp-disabled").get("notApplicableOn").get("Flex Consumption").asText());
    assertTrue(controls.get("runtime-supported").get("notApplicableOn").has("Logic Apps Standard"));
    assertEquals(0, controls.get("managed-identity").get("notApplicableOn").size(), "applies on every hosting model");
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
  void controlsResolvesADeploymentParametersFileAsTheDeploymentWould() throws Exception {
    Path parameters = temp.resolve("pilot.parameters.json");
    Files.writeString(parameters, "{\"parameters\":{\"mode\":{\"value\":\"notify\"},"
        + "\"controlModes\":{\"value\":{\"min-tls\":\"autofix\",\"auth-enabled\":\"notify\"}}}}");

    CliProcess.Result run = CliProcess.run(sandbox, temp, Map.of("DRIFTGUARD_MODE", "autofix"), "",
        "controls", "--parameters", parameters.toString(), "--json");

    assertEquals(0, run.exit(), run.stderr());
    Map<String, JsonNode> controls = byKey(run.jsonLines(), "id");
    assertEquals("autofix", controls.get("min-tls").get("mode").asText());
    assertEquals("controlModes.min-tls", controls.get("min-tls").get("parameter").asText());
    assertEquals("notify", controls.get("auth-enabled").get("mode").asText(), "an opt-in control turned on");
    assertEquals("notify", controls.get("https-only").get("mode").asText(), "the file's mode, not the environment's");
    assertEquals("mode", controls.get("https-only").get("parameter").asText());
    assertTrue(run.stderr().contains("from " + parameters), run.stderr());
  }

  @Test
  void theShippedParametersTurnNoFixOn() throws Exception {
    CliProcess.Result run = CliProcess.run(sandbox, temp, Map.of(), "",
        "controls", "--parameters", Path.of("..", "infra", "main.parameters.json").toString(), "--json");

    assertEquals(0, run.exit(), run.stderr());
    assertEquals(List.of(), run.jsonLines().stream().filter(control -> control.get("mode").asText().equals("autofix"))
        .map(control -> control.get("id").asText()).toList());
  }

  @Test
  void aParametersFileNamingNoControlOrNoModeIsRefusedWithTheReason() throws Exception {
    Path unknown = temp.resolve("unknown.parameters.json");
    Files.writeString(unknown, "{\"parameters\":{\"controlModes\":{\"value\":{\"min_tls\":\"autofix\"}}}}");
    Path badMode = temp.resolve("bad-mode.parameters.json");
    Files.writeString(badMode, "{\"parameters\":{\"mode\":{\"value\":\"fix\"}}}");

    CliProcess.Result noControl = CliProcess.run(sandbox, temp, Map.of(), "", "controls", "--parameters", unknown.toString());
    CliProcess.Result noMode = CliProcess.run(sandbox, temp, Map.of(), "", "controls", "--parameters", badMode.toString());

    assertEquals(ExitCode.USAGE, noControl.exit(), noControl.stderr());
    assertTrue(noControl.stderr().startsWith("driftguard controls: " + unknown + ": controlModes names 'min_tls', which is"
        + " no control id"), noControl.stderr());
    assertEquals(ExitCode.CONFIG, noMode.exit(), noMode.stderr());
    assertTrue(noMode.stderr().contains("DRIFTGUARD_MODE"), noMode.stderr());
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
    assertEquals("notify", modes.get("func-explain cors-no-wildcard").get("mode").asText());
    String asked = modes.get("func-explain cors-no-wildcard").get("modeSource").asText();
    assertTrue(asked.startsWith("a tag asked for more than it got: autofix (tag driftguard-autofix), granted notify"), asked);
    assertEquals("notify", modes.get("func-explain min-tls").get("mode").asText(), "an exemption without reason or expiry");
    String exemption = modes.get("func-explain min-tls").get("modeSource").asText();
    assertTrue(exemption.startsWith("tag driftguard-exempt=min-tls, no reason given, written by whoever the audit trail"
        + " names (no write at hand: see 'driftguard history')") && exemption.contains("it lacks a reason"), exemption);
    assertEquals("off", modes.get("func-explain auth-enabled").get("mode").asText());
    assertEquals("notify", modes.get("func-explain/blue auth-enabled").get("mode").asText());
    assertEquals("notify", modes.get("func-explain/blue min-tls").get("mode").asText(), "the slot has its own tags");
    assertEquals("Windows Elastic Premium", modes.get("func-explain min-tls").get("hostingModel").asText());
    assertEquals("Windows Elastic Premium", modes.get("func-explain/blue min-tls").get("hostingModel").asText());
    List<RecordedRequest> requests = sandbox.arm().requests().stream()
        .filter(request -> request.path().contains("func-explain")).toList();
    assertEquals(List.of("GET " + app.id(), "GET " + app.id() + "/slots"),
        requests.stream().map(request -> request.method() + " " + request.path()).toList(), "one read, one listing");
  }

  @Test
  void explainSaysWhichControlsDoNotApplyOnAFlexAppAndListsNoSlots() throws Exception {
    SiteHandle flex = sandbox.arm().seedSite(SUBSCRIPTION, "rg-explain", "func-flex", Hosting.FLEX_CONSUMPTION,
        Map.of(), true, Map.of());

    CliProcess.Result run = CliProcess.run(sandbox, temp, Map.of(), "",
        "explain", "--subscription", SUBSCRIPTION, "--resource-group", "rg-explain", "--app", "func-flex", "--json");

    assertEquals(0, run.exit(), run.stderr());
    Map<String, JsonNode> modes = byKey(run.jsonLines(), "control");
    assertEquals(ControlCatalog.ids().size(), modes.size());
    assertEquals("Flex Consumption", modes.get("min-tls").get("hostingModel").asText());
    assertEquals("not applicable", modes.get("ftp-disabled").get("mode").asText());
    assertEquals("Flex Consumption has no FTP", modes.get("ftp-disabled").get("modeSource").asText());
    assertEquals("notify", modes.get("min-tls").get("mode").asText());
    assertEquals(List.of("GET " + flex.id()), sandbox.arm().requests().stream()
        .filter(request -> request.path().contains("func-flex"))
        .map(request -> request.method() + " " + request.path()).toList(), "one read: Flex has no slots to list");
  }
}
