package io.driftguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftguard.controls.Control;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SandboxOptions;
import io.driftguard.sandbox.SiteHandle;
import io.driftguard.text.Printable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scan --format html} of a seeded sandbox, opened in a real browser (Debian's chromium, headless, driven by
 * playwright-core; both installed by the build when missing): what a person sees, and a hostile observed value shown
 * as text, never run. The screenshot goes to {@code target/browser/scan-report.png}.
 */
class HtmlReportIT {

  private static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000047a1";
  /** A config value is whatever someone wrote through ARM; this one tries to run script in the reader's browser. */
  private static final String HOSTILE = "<script>window.__driftguardHostile=1</script>"
      + "<img src=x onerror=\"window.__driftguardHostile=2\">&amp;\u2028";
  private static final Map<String, Object> COMPLIANT = CatalogSeeds.SECURE_CONFIG;
  private static final Path OUT = Path.of("target", "browser");
  private static Sandbox sandbox;

  @TempDir
  Path temp;

  @BeforeAll
  static void seed() {
    sandbox = Sandbox.start(SandboxOptions.defaults());
    sandbox.arm().seedSite(SUBSCRIPTION, "rg-payments", "func-api", "functionapp", Map.of(), true, COMPLIANT);
    sandbox.arm().seedSite(SUBSCRIPTION, "rg-payments", "func-orders", "functionapp", Map.of(), true,
        with("minTlsVersion", "1.0"));
    sandbox.arm().seedSlot(SUBSCRIPTION, "rg-payments", "func-orders", "staging", true,
        with("remoteDebuggingEnabled", true));
    sandbox.arm().seedSite(SUBSCRIPTION, "rg-payments", "func-billing", "functionapp", Map.of("driftguard-mode", "notify"),
        false, COMPLIANT);
    sandbox.arm().seedSite(SUBSCRIPTION, "rg-other", "func-legacy", "functionapp,linux", Map.of(), true,
        with("ftpsState", HOSTILE));
    sandbox.arm().seedSite(SUBSCRIPTION, "rg-other", "web-plain", "app", Map.of(), false, COMPLIANT);
    // Their basic-auth publishing policies as a secure deployment leaves them: off.
    for (SiteHandle app : List.of(new SiteHandle(SUBSCRIPTION, "rg-payments", "func-api", null),
        new SiteHandle(SUBSCRIPTION, "rg-payments", "func-orders", null),
        new SiteHandle(SUBSCRIPTION, "rg-payments", "func-orders", "staging"),
        new SiteHandle(SUBSCRIPTION, "rg-payments", "func-billing", null),
        new SiteHandle(SUBSCRIPTION, "rg-other", "func-legacy", null))) {
      CatalogSeeds.secureBeyondSiteAndConfig(sandbox.arm(), app);
    }
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  private static Map<String, Object> with(String property, Object value) {
    Map<String, Object> config = new HashMap<>(COMPLIANT);
    config.put(property, value);
    return config;
  }

  @Test
  void aPersonSeesTheCountsOneRowPerAppAFilterThatNarrowsAndTheHostileValueAsText() throws Exception {
    Files.createDirectories(OUT);
    Path report = OUT.resolve("scan-report.html").toAbsolutePath();
    Path screenshot = OUT.resolve("scan-report.png").toAbsolutePath();
    Files.deleteIfExists(report);
    // The longest time budget per call: the build machine may be busy, and this test is about the page.
    Map<String, String> settings = Map.of("DRIFTGUARD_MODE", "autofix", "DRIFTGUARD_EVENT_BUDGET", "25s");
    CliProcess.Result scan = CliProcess.run(sandbox, temp, settings, "", "scan",
        "--subscription", SUBSCRIPTION, "--format", "html", "--output", report.toString());
    assertEquals(ExitCode.FINDINGS, scan.exit(), scan.stderr());
    assertEquals("", scan.stdout(), "the report goes to the file");
    assertTrue(scan.stderr().contains("report written to " + report), scan.stderr());
    String html = Files.readString(report);
    assertEquals(1, html.split("<script", -1).length - 1, "the page's own script tag only: the hostile value is escaped");
    assertFalse(html.contains("<img"), "the hostile value is escaped");
    assertFalse(html.matches("(?s).*(src=\"http|href=\"http|url\\().*"), "no external assets");

    JsonNode seen = openInChromium(report, screenshot);

    assertEquals(List.of(), strings(seen.get("requests")), "the page loads nothing: works offline");
    assertEquals(List.of(), strings(seen.get("errors")));
    assertEquals(List.of(), strings(seen.get("dialogs")));
    assertEquals("driftguard scan", seen.get("title").asText());
    assertEquals(0, seen.get("overflowAt1400").get("page").asInt(), "no horizontal scroll at 1400 px: " + seen);
    assertEquals(List.of(), strings(seen.get("overflowAt1400").get("tables")), "every table fits at 1400 px");
    JsonNode counts = seen.get("counts");
    assertEquals("5", counts.get("scanned").asText());
    assertEquals("1", counts.get("compliant").asText());
    assertEquals("4", counts.get("with-findings").asText());
    assertEquals("3", counts.get("would-fix").asText(), "a dry run counts what it would do");
    assertEquals("1", counts.get("would-alert").asText());
    assertEquals("4", counts.get("left").asText());
    assertEquals("1", counts.get("not-function-apps").asText());
    // A bar per control on by default (opt-in ones nobody turned on have none): the four drifted ones found once.
    List<String> bars = new ArrayList<>(List.of("https-only=1", "ftp-disabled=1", "remote-debugging-off=1", "min-tls=1"));
    ControlCatalog.defaults().all().stream().filter(control -> !control.optIn()).map(Control::id)
        .filter(id -> bars.stream().noneMatch(bar -> bar.startsWith(id + "="))).forEach(id -> bars.add(id + "=0"));
    assertEquals(bars, strings(seen.get("chartBars").get("by-control")));
    assertEquals(List.of("rg-payments=3", "rg-other=1"), strings(seen.get("chartBars").get("by-group")));

    List<String> everyApp = List.of("func-legacy", "func-api", "func-billing", "func-orders", "func-orders/staging");
    assertEquals(everyApp, strings(seen.get("rows")), "one row per app and slot, sorted by id; no web app");
    assertEquals("5 of 5 shown", seen.get("shown").asText());
    JsonNode legacy = seen.get("cells").get("func-legacy");
    // Observed values reach people through Printable: the line separator shows as "?", the markup as text.
    assertEquals("would fix: ftpsState: " + Printable.clean(HOSTILE), legacy.get("ftp-disabled").asText(),
        "the hostile value, shown as text");
    assertEquals("rg-other", legacy.get("resource group").asText());
    assertEquals("Linux Premium or Dedicated", legacy.get("hosting").asText());
    assertEquals("would alert: httpsOnly: false", seen.get("cells").get("func-billing").get("https-only").asText());
    assertEquals("would fix: minTlsVersion: 1.0", seen.get("cells").get("func-orders").get("min-tls").asText());
    assertEquals("ok", seen.get("cells").get("func-api").get("min-tls").asText());
    assertEquals(1, seen.get("scripts").asInt(), "the page's own script only");
    assertEquals(0, seen.get("injectedElements").asInt());
    assertTrue(seen.get("hostileRan").isNull(), "the hostile script did not run: " + seen.get("hostileRan"));

    List<List<String>> fixes = new ArrayList<>();
    seen.get("fixes").forEach(row -> fixes.add(strings(row)));
    assertEquals(4, fixes.size(), "one row per finding: " + fixes);
    List<String> billing = fixes.stream().filter(row -> row.get(0).equals("func-billing")).findFirst().orElseThrow();
    assertEquals("https-only", billing.get(1));
    assertEquals(List.of("httpsOnly: false", "httpsOnly: true"), billing.subList(2, 4), "values named by their property");
    assertEquals("notify", billing.get(5));
    assertTrue(billing.get(6).contains("driftguard-mode"), "the tag that chose notify: " + billing);
    assertTrue(billing.get(7).startsWith("az functionapp update ") && billing.get(7).contains("-n 'func-billing'"),
        "the az fix: " + billing);
    List<String> orders = fixes.stream().filter(row -> row.get(0).equals("func-orders")).findFirst().orElseThrow();
    assertEquals("DRIFTGUARD_MODE", orders.get(6));

    assertEquals(List.of("func-legacy"), strings(seen.get("filtered")), "the filter narrows the table");
    assertEquals("1 of 5 shown", seen.get("filteredShown").asText());
    assertEquals(List.of("func-legacy"), strings(seen.get("filteredFixes")));
    assertEquals(List.of("func-legacy", "func-billing", "func-orders", "func-orders/staging"),
        strings(seen.get("withFindings")));
    assertEquals(List.of("func-orders/staging", "func-orders", "func-legacy", "func-billing", "func-api"),
        strings(seen.get("sortedDescending")), "a second click on the header sorts descending");
    assertEquals("descending", seen.get("ariaSort").asText());
    assertTrue(Files.size(screenshot) > 10_000, "a screenshot of the page: " + screenshot);
  }

  @Test
  void refusesAnOutputFileOutsideAnExistingDirectoryBeforeScanning() {
    for (String output : new String[] {temp.resolve("no-such-directory/report.html").toString(), temp.toString()}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int exit = Main.run(new String[] {"scan", "--subscription", SUBSCRIPTION, "--format", "html", "--output", output},
          new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
      assertEquals(ExitCode.USAGE, exit, err.toString(StandardCharsets.UTF_8));
      assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("driftguard scan: --output " + output + ": not a file"),
          err.toString(StandardCharsets.UTF_8));
    }
  }

  /** Runs the committed browser script with node; it prints one JSON object of what the page showed. */
  private JsonNode openInChromium(Path report, Path screenshot) throws Exception {
    String playwright = System.getProperty("playwright.module");
    String chromium = System.getProperty("chromium.executable");
    assertNotNull(playwright, "run by failsafe (mvn verify), which installs playwright-core and passes its path");
    assertTrue(Files.isRegularFile(Path.of(playwright, "package.json")), "playwright-core is not installed: " + playwright);
    assertTrue(Files.isExecutable(Path.of(chromium)), "chromium is not installed: " + chromium);
    Path out = Files.createTempFile(temp, "browser", ".json");
    Path err = Files.createTempFile(temp, "browser", ".txt");
    ProcessBuilder builder = new ProcessBuilder("node", Path.of("src", "test", "browser", "scan-report.js").toString(),
        report.toString(), screenshot.toString()).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("PLAYWRIGHT_CORE", playwright);
    builder.environment().put("CHROMIUM", chromium);
    Process node = builder.start();
    assertTrue(node.waitFor(90, TimeUnit.SECONDS), "the browser did not finish");
    assertEquals(0, node.exitValue(), Files.readString(err));
    return new ObjectMapper().readTree(Files.readString(out));
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }
}
