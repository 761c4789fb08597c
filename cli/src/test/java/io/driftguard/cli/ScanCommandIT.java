package io.driftguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.controls.Control;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.sandbox.FakeArm;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SandboxOptions;
import io.driftguard.sandbox.SiteHandle;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code driftguard scan} as its own process against a sandbox subscription of function apps in every state, listed
 * four to a page: a dry run changes nothing, {@code --fix} fixes what autofix mode covers, a rescan shows it.
 */
class ScanCommandIT {

  private static final String MIXED = "00000000-0000-0000-0000-00000005ca01";
  private static final String CLEAN = "00000000-0000-0000-0000-00000005ca02";
  private static final Map<String, Object> COMPLIANT = CatalogSeeds.SECURE_CONFIG;
  private static final Map<String, String> AUTOFIX = Map.of("DRIFTGUARD_MODE", "autofix");
  private static final List<String> DEFAULT_CONTROLS = ControlCatalog.defaults().all().stream()
      .filter(control -> !control.optIn()).map(Control::id).toList();
  private static Sandbox sandbox;
  private static SiteHandle tls;
  private static SiteHandle ftp;
  private static SiteHandle notify;
  private static SiteHandle slot;

  @TempDir
  Path temp;

  @BeforeAll
  static void seed() {
    sandbox = Sandbox.start(SandboxOptions.defaults().withPageSize(4));
    for (int i = 1; i <= 3; i++) {
      sandbox.arm().seedSite(MIXED, "rg-scan", "func-ok-" + i, "functionapp", Map.of(), true, COMPLIANT);
    }
    tls = sandbox.arm().seedSite(MIXED, "rg-scan", "func-tls", "functionapp", Map.of(), true, with("minTlsVersion", "1.0"));
    ftp = sandbox.arm().seedSite(MIXED, "rg-other", "func-ftp", "functionapp,linux", Map.of(), true, with("ftpsState", "AllAllowed"));
    sandbox.arm().seedSite(MIXED, "rg-scan", "func-https", "functionapp", Map.of(), false, COMPLIANT);
    sandbox.arm().seedSite(MIXED, "rg-scan", "func-debug", "functionapp", Map.of(), true, with("remoteDebuggingEnabled", true));
    sandbox.arm().seedSite(MIXED, "rg-scan", "func-exempt", "functionapp", Map.of("driftguard-exempt", "min-tls",
        "driftguard-exempt-reason", "old clients", "driftguard-exempt-until",
        LocalDate.now(ZoneOffset.UTC).plusDays(30).toString()), true,
        with("minTlsVersion", "1.0"));
    notify = sandbox.arm().seedSite(MIXED, "rg-scan", "func-notify", "functionapp", Map.of("driftguard-mode", "notify"),
        true, with("ftpsState", "AllAllowed"));
    sandbox.arm().seedSite(MIXED, "rg-scan", "func-slotted", "functionapp", Map.of(), true, COMPLIANT);
    slot = sandbox.arm().seedSlot(MIXED, "rg-scan", "func-slotted", "staging", true,
        Map.of("ftpsState", "Disabled", "minTlsVersion", "1.1", "remoteDebuggingEnabled", true));
    sandbox.arm().seedSite(MIXED, "rg-scan", "web-plain", "app", Map.of(), false, Map.of("ftpsState", "AllAllowed"));
    sandbox.arm().seedSite(CLEAN, "rg-clean", "func-clean-1", "functionapp", Map.of(), true, COMPLIANT);
    sandbox.arm().seedSite(CLEAN, "rg-clean", "func-clean-2", "functionapp", Map.of(), true, COMPLIANT);
    sandbox.arm().seedSlot(CLEAN, "rg-clean", "func-clean-2", "blue", true, COMPLIANT);
    // Their basic-auth publishing policies as a secure deployment leaves them: off.
    for (String name : List.of("func-ok-1", "func-ok-2", "func-ok-3", "func-tls", "func-https", "func-debug", "func-exempt",
        "func-notify", "func-slotted")) {
      CatalogSeeds.secureBeyondSiteAndConfig(sandbox.arm(), new SiteHandle(MIXED, "rg-scan", name, null));
    }
    CatalogSeeds.secureBeyondSiteAndConfig(sandbox.arm(), ftp);
    CatalogSeeds.secureBeyondSiteAndConfig(sandbox.arm(), slot);
    CatalogSeeds.secureBeyondSiteAndConfig(sandbox.arm(), new SiteHandle(CLEAN, "rg-clean", "func-clean-1", null));
    CatalogSeeds.secureBeyondSiteAndConfig(sandbox.arm(), new SiteHandle(CLEAN, "rg-clean", "func-clean-2", null));
    CatalogSeeds.secureBeyondSiteAndConfig(sandbox.arm(), new SiteHandle(CLEAN, "rg-clean", "func-clean-2", "blue"));
  }

  @AfterAll
  static void stop() {
    List<RecordedRequest> requests = sandbox.arm().requests();
    assertEquals(List.of(), requests.stream().filter(FakeArm::isSecretRevealing).toList());
    assertEquals(List.of(), requests.stream().filter(FakeArm::isWholeDocumentPut).toList());
    assertEquals(List.of(), requests.stream().filter(FakeArm::isWriteBeyondControlledDocuments).toList());
    sandbox.close();
  }

  private static Map<String, Object> with(String property, Object value) {
    Map<String, Object> config = new HashMap<>(COMPLIANT);
    config.put(property, value);
    return config;
  }

  private CliProcess.Result scan(Map<String, String> settings, String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = "scan";
    System.arraycopy(args, 0, command, 1, args.length);
    return CliProcess.run(sandbox, temp, settings, "", command);
  }

  @Test
  void dryRunChangesNothingFixFixesAutofixFindingsAndARescanShowsThem() throws Exception {
    CliProcess.Result dryRun = scan(AUTOFIX, "--subscription", MIXED);

    assertEquals(ExitCode.FINDINGS, dryRun.exit(), dryRun.stderr());
    Map<String, Map<String, String>> rows = tableRows(dryRun.stdout());
    assertEquals(List.of("func-ftp", "func-debug", "func-exempt", "func-https", "func-notify", "func-ok-1", "func-ok-2",
        "func-ok-3", "func-slotted", "func-slotted/staging", "func-tls"), List.copyOf(rows.keySet()),
        "sorted by id (resource group, then name), no web app: " + dryRun.stdout());
    Map<String, String> expected = new HashMap<>(Map.of("resource", "func-tls", "resource group", "rg-scan",
        "hosting", "Windows Elastic Premium", "min-tls", "would fix: minTlsVersion: 1.0", "runtime-supported", "not judged"));
    DEFAULT_CONTROLS.forEach(control -> expected.putIfAbsent(control, "ok"));
    assertEquals(expected, rows.get("func-tls"));
    assertEquals("rg-other", rows.get("func-ftp").get("resource group"));
    assertEquals("Linux Premium or Dedicated", rows.get("func-ftp").get("hosting"));
    assertEquals("would fix: ftpsState: AllAllowed", rows.get("func-ftp").get("ftp-disabled"));
    assertEquals("would fix: httpsOnly: false", rows.get("func-https").get("https-only"));
    assertEquals("would fix: remoteDebuggingEnabled: true", rows.get("func-debug").get("remote-debugging-off"));
    assertEquals("exempted: minTlsVersion: 1.0", rows.get("func-exempt").get("min-tls"), "an exemption by tag is reported, not hidden");
    assertEquals("ok", rows.get("func-exempt").get("ftp-disabled"));
    assertEquals("would alert: ftpsState: AllAllowed", rows.get("func-notify").get("ftp-disabled"));
    assertEquals("would fix: minTlsVersion: 1.1", rows.get("func-slotted/staging").get("min-tls"));
    assertEquals("would fix: remoteDebuggingEnabled: true", rows.get("func-slotted/staging").get("remote-debugging-off"));
    assertEquals("ok", rows.get("func-slotted").get("remote-debugging-off"));
    assertEquals("11 (dry run: nothing changed)", summary(dryRun.stdout(), "apps and slots scanned"));
    assertEquals("4", summary(dryRun.stdout(), "compliant"));
    assertEquals("7", summary(dryRun.stdout(), "with findings"));
    assertEquals("6", summary(dryRun.stdout(), "left with findings"), "an exempted finding is not left for a person");
    assertEquals("1", summary(dryRun.stdout(), "not function apps, passed over"));
    assertTrue(dryRun.stdout().contains("\nrun again with --fix to fix the controls in autofix mode; those in notify mode"),
        dryRun.stdout());
    assertEquals(List.of(), botWrites(), "a dry run writes nothing");
    assertTrue(dryRun.stderr().contains("listed 4 sites of " + MIXED + " (8 so far)"), "progress on stderr: " + dryRun.stderr());

    CliProcess.Result fix = scan(AUTOFIX, "--subscription", MIXED, "--fix");

    assertEquals(ExitCode.FINDINGS, fix.exit(), "the notify-mode finding remains: " + fix.stderr());
    Map<String, Map<String, String>> fixed = tableRows(fix.stdout());
    assertEquals("fixed: minTlsVersion: 1.0 -> 1.2", fixed.get("func-tls").get("min-tls"));
    assertEquals("fixed: minTlsVersion: 1.1 -> 1.2", fixed.get("func-slotted/staging").get("min-tls"));
    assertEquals("alerted: ftpsState: AllAllowed", fixed.get("func-notify").get("ftp-disabled"));
    assertEquals("5", summary(fix.stdout(), "fixed"));
    assertEquals("1", summary(fix.stdout(), "alerted"));
    assertEquals("1", summary(fix.stdout(), "left with findings"));
    assertEquals("1.2", webConfig(tls).get("minTlsVersion"));
    assertEquals("Disabled", webConfig(ftp).get("ftpsState"));
    assertEquals(false, webConfig(slot).get("remoteDebuggingEnabled"));
    assertEquals("AllAllowed", webConfig(notify).get("ftpsState"), "notify mode changes nothing");

    CliProcess.Result rescan = scan(AUTOFIX, "--subscription", MIXED, "--format", "markdown");

    assertEquals(ExitCode.FINDINGS, rescan.exit(), rescan.stderr());
    List<String> lines = rescan.stdout().lines().toList();
    assertEquals("| resource | resource group | hosting | " + String.join(" | ", DEFAULT_CONTROLS) + " |", lines.get(0));
    assertEquals("|---|---|---|" + "---|".repeat(DEFAULT_CONTROLS.size()), lines.get(1));
    for (String app : List.of("func-tls", "func-https", "func-debug", "func-slotted/staging")) {
      assertTrue(lines.stream().anyMatch(line -> line.startsWith("| " + app
              + " | rg-scan | Windows Elastic Premium | ok | ok | ok | ok | ok |")),
          rescan.stdout());
    }
    assertTrue(lines.stream().anyMatch(line -> line.startsWith(
        "| func-notify | rg-scan | Windows Elastic Premium | ok | would alert: ftpsState: AllAllowed | ok | ok |")),
        rescan.stdout());
    assertTrue(lines.contains("- left with findings: 1"), rescan.stdout());
    assertEquals("the findings are in notify mode: --fix would report them, not fix them", lines.get(lines.size() - 1));
  }

  @Test
  void aCompliantSubscriptionExits0AndJsonEndsWithTheSummary() throws Exception {
    CliProcess.Result run = scan(Map.of("DRIFTGUARD_SUBSCRIPTIONS", CLEAN + "," + MIXED), "--subscription", CLEAN,
        "--format", "json");

    assertEquals(ExitCode.OK, run.exit(), run.stderr());
    List<JsonNode> lines = run.jsonLines();
    assertEquals(4, lines.size(), run.stdout());
    for (JsonNode decision : lines.subList(0, 3)) {
      assertEquals("compliant", decision.get("outcome").asText(), decision.toString());
      assertEquals(DEFAULT_CONTROLS.size(), decision.get("evaluated").size());
      assertEquals("Windows Elastic Premium", decision.get("hostingModel").asText(), "the slot's listing too");
    }
    assertTrue(lines.get(2).get("resource").asText().endsWith("/sites/func-clean-2/slots/blue"), "sorted by id");
    JsonNode summary = lines.get(3).get("summary");
    assertEquals(3, summary.get("scanned").asInt());
    assertEquals(3, summary.get("compliant").asInt());
    assertEquals(0, summary.get("left").asInt());
    assertTrue(summary.get("dryRun").asBoolean() && summary.get("complete").asBoolean(), summary.toString());
    assertTrue(run.stderr().contains("decided 3 function apps and slots, 0 with findings"), run.stderr());
  }

  @Test
  void refusesBadArgumentsAndSubscriptionsOutsideItsScope() throws Exception {
    CliProcess.Result outside = scan(Map.of("DRIFTGUARD_SUBSCRIPTIONS", CLEAN), "--subscription", MIXED, "--fix");
    assertEquals(ExitCode.USAGE, outside.exit(), outside.stderr());
    assertTrue(outside.stderr().contains("not in DRIFTGUARD_SUBSCRIPTIONS: " + MIXED), outside.stderr());
    assertEquals("", outside.stdout());

    // Arguments are checked before settings or ARM: in this JVM, no process needed.
    for (String[] args : new String[][] {{"scan"}, {"scan", "--subscription", "not-a-guid"}, {"scan", "--subscription"},
        {"scan", "--subscription", CLEAN, "--format", "yaml"}, {"scan", "--subscription", CLEAN, "--dry-run"}}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int exit = Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
      assertEquals(ExitCode.USAGE, exit, String.join(" ", args) + ": " + err);
      assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("driftguard scan: "), err.toString(StandardCharsets.UTF_8));
    }
    ByteArrayOutputStream help = new ByteArrayOutputStream();
    assertEquals(ExitCode.OK, Main.run(new String[] {"scan", "--help"}, new PrintStream(help), System.err));
    assertTrue(help.toString(StandardCharsets.UTF_8).startsWith("usage: driftguard scan --subscription ID"));
    assertEquals(List.of(), botWrites());
  }

  /** Resource name to column to cell, from the table above the first blank line; columns start where their header does. */
  private static Map<String, Map<String, String>> tableRows(String stdout) {
    List<String> lines = stdout.lines().takeWhile(line -> !line.isBlank()).toList();
    String header = lines.get(0);
    List<String> columns = new ArrayList<>(List.of("resource", "resource group", "hosting"));
    // The default controls' columns, in the catalog's order; opt-in controls nobody turned on have none.
    columns.addAll(DEFAULT_CONTROLS);
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < columns.size(); i++) {
        int start = header.indexOf(columns.get(i));
        int end = i + 1 < columns.size() ? header.indexOf(columns.get(i + 1)) : line.length();
        row.put(columns.get(i), line.substring(start, Math.min(end, line.length())).trim());
      }
      rows.put(row.get("resource"), row);
    }
    return rows;
  }

  private static String summary(String stdout, String label) {
    return stdout.lines().map(String::strip).filter(line -> line.startsWith(label + " ")).findFirst()
        .map(line -> line.substring(label.length()).strip())
        .orElseThrow(() -> new AssertionError("no summary line '" + label + "' in:\n" + stdout));
  }

  private static Map<?, ?> webConfig(SiteHandle site) {
    return (Map<?, ?>) sandbox.arm().webConfig(site.id()).get("properties");
  }

  private static List<RecordedRequest> botWrites() {
    return sandbox.arm().requests().stream()
        .filter(request -> sandbox.botObjectId().equals(request.callerObjectId()) && !request.method().equals("GET"))
        .toList();
  }
}
