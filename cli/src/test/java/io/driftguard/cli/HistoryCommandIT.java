package io.driftguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.sandbox.Azurite;
import io.driftguard.sandbox.Caller;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SiteHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code handle} records in the audit trail (Azurite), {@code history} lists. */
class HistoryCommandIT {

  private static final Caller BOB = Caller.user("bob@contoso.com", "Bob Builder", "b0b00000-0000-4000-8000-000000000002", "198.51.100.23");
  private static Sandbox sandbox;
  private static Azurite azurite;

  @TempDir
  Path temp;

  @BeforeAll
  static void start() {
    sandbox = Sandbox.start();
    azurite = Azurite.start();
  }

  @AfterAll
  static void stop() {
    azurite.close();
    sandbox.close();
  }

  private String drift(String name, String body) {
    SiteHandle app = CatalogSeeds.secureBeyondSiteAndConfig(sandbox.arm(), sandbox.arm().seedSite(
        "00000000-0000-0000-0000-0000000b1570", "rg-audit", name, "functionapp", Map.of(), true, CatalogSeeds.SECURE_CONFIG));
    sandbox.arm().write(BOB, "PATCH", app.webConfigId(), body);
    List<String> events = sandbox.arm().drainEmittedEvents();
    return events.get(events.size() - 1);
  }

  @Test
  void listsWhatHandleRecordedNewestFirstForOneApp() throws Exception {
    Map<String, String> storage = Map.of("AzureWebJobsStorage", azurite.connectionString());
    Map<String, String> autofix = Map.of("AzureWebJobsStorage", azurite.connectionString(), "DRIFTGUARD_MODE", "autofix");
    assertEquals(0, CliProcess.run(sandbox, temp, autofix, drift("func-audited", "{\"properties\":{\"minTlsVersion\":\"1.0\"}}"), "handle").exit());
    assertEquals(0, CliProcess.run(sandbox, temp, storage, drift("func-other", "{\"properties\":{\"ftpsState\":\"AllAllowed\"}}"), "handle").exit());

    CliProcess.Result json = CliProcess.run(sandbox, temp, storage, "", "history", "--app", "FUNC-AUDITED", "--since", "1h", "--json");
    assertEquals(0, json.exit(), json.stderr());
    List<JsonNode> entries = json.jsonLines();
    assertEquals(1, entries.size());
    JsonNode entry = entries.get(0);
    assertEquals("min-tls", entry.get("rule").asText());
    assertEquals("fixed", entry.get("action").asText());
    assertEquals("1.0", entry.get("before").asText());
    assertEquals("1.2", entry.get("after").asText());
    assertEquals("bob@contoso.com", entry.get("actor").asText());
    assertEquals("198.51.100.23", entry.get("actorIp").asText());

    CliProcess.Result table = CliProcess.run(sandbox, temp, storage, "", "history");
    assertEquals(0, table.exit(), table.stderr());
    List<String> lines = table.stdout().lines().toList();
    assertTrue(lines.get(0).contains("time (UTC)"), table.stdout());
    assertTrue(lines.get(1).contains("func-other") && lines.get(1).contains("alerted"), "newest first: " + table.stdout());
    assertTrue(lines.get(2).contains("func-audited") && lines.get(2).contains("1.0 -> 1.2"), table.stdout());
  }

  /** {@code findings} lists what stays open; {@code history --control} shows one finding's life, by whom. */
  @Test
  void findingsListsTheOpenOnesAndHistoryShowsAFindingsLife() throws Exception {
    Map<String, String> storage = Map.of("AzureWebJobsStorage", azurite.connectionString());
    assertEquals(0, CliProcess.run(sandbox, temp, storage, drift("func-life", "{\"properties\":{\"minTlsVersion\":\"1.0\"}}"),
        "handle").exit());
    assertEquals(0, CliProcess.run(sandbox, temp, storage, drift("func-standing", "{\"properties\":{\"ftpsState\":\"AllAllowed\"}}"),
        "handle").exit());

    List<JsonNode> open = CliProcess.run(sandbox, temp, storage, "", "findings", "--json").jsonLines();
    assertTrue(open.stream().anyMatch(finding -> finding.get("app").asText().equals("func-life")
        && finding.get("rule").asText().equals("min-tls") && finding.get("status").asText().equals("open")
        && finding.get("last").asText().equals("opened")), open.toString());

    sandbox.arm().write(BOB, "PATCH", "/subscriptions/00000000-0000-0000-0000-0000000b1570/resourceGroups/rg-audit"
        + "/providers/Microsoft.Web/sites/func-life/config/web", "{\"properties\":{\"minTlsVersion\":\"1.2\"}}");
    List<String> fixed = sandbox.arm().drainEmittedEvents();
    assertEquals(0, CliProcess.run(sandbox, temp, storage, fixed.get(fixed.size() - 1), "handle").exit());

    CliProcess.Result table = CliProcess.run(sandbox, temp, storage, "", "findings");
    assertEquals(0, table.exit(), table.stderr());
    assertTrue(table.stdout().contains("func-standing") && table.stdout().contains("ftp-disabled"), table.stdout());
    assertTrue(!table.stdout().contains("func-life"), "resolved, so not open: " + table.stdout());
    List<JsonNode> all = CliProcess.run(sandbox, temp, storage, "", "findings", "--all", "--json").jsonLines();
    assertTrue(all.stream().anyMatch(finding -> finding.get("app").asText().equals("func-life")
        && finding.get("status").asText().equals("resolved") && finding.get("by").asText().equals("bob@contoso.com")),
        all.toString());

    CliProcess.Result life = CliProcess.run(sandbox, temp, storage, "", "history", "--app", "FUNC-LIFE", "--control",
        "min-tls", "--json");
    assertEquals(0, life.exit(), life.stderr());
    List<JsonNode> steps = life.jsonLines();
    assertEquals(List.of("opened", "resolved"), steps.stream().map(step -> step.get("last").asText()).toList());
    assertEquals("bob@contoso.com", steps.get(1).get("by").asText(), "resolved by the person who fixed it");
    assertEquals(steps.get(0).get("openedAt"), steps.get(1).get("openedAt"));
  }

  @Test
  void explainsWhatIsMissing() throws Exception {
    CliProcess.Result noStorage = CliProcess.run(sandbox, temp, Map.of(), "", "history");
    assertEquals(ExitCode.CONFIG, noStorage.exit());
    assertTrue(noStorage.stderr().contains("no Table storage configured"), noStorage.stderr());
    CliProcess.Result badSince = CliProcess.run(sandbox, temp, Map.of(), "", "history", "--since", "yesterday");
    assertEquals(ExitCode.USAGE, badSince.exit());
    assertEquals(ExitCode.USAGE, CliProcess.run(sandbox, temp, Map.of(), "", "history", "--control", "min-tls").exit(),
        "a finding is an app's control");
    CliProcess.Result findings = CliProcess.run(sandbox, temp, Map.of(), "", "findings");
    assertEquals(ExitCode.CONFIG, findings.exit());
    assertTrue(findings.stderr().contains("no Table storage configured"), findings.stderr());
  }

  @Test
  void aConnectionStringThatIsNoneIsRefusedInOneLine() throws Exception {
    CliProcess.Result run = CliProcess.run(sandbox, temp, Map.of("AzureWebJobsStorage", "not-a-connection-string"), "",
        "history");

    assertEquals(ExitCode.CONFIG, run.exit(), run.stderr());
    assertEquals(List.of("driftguard history: AzureWebJobsStorage is not a storage connection string (Invalid connection"
        + " string.)"), run.stderr().lines().toList());
  }

  @Test
  void storageThatDoesNotAnswerIsNamedInOneLineAndTheDemosAzuriteIsExplained() throws Exception {
    String gone = azurite.connectionString().replaceAll("TableEndpoint=http://127.0.0.1:[0-9]+/",
        "TableEndpoint=http://127.0.0.1:1/");

    CliProcess.Result run = CliProcess.run(sandbox, temp, Map.of("AzureWebJobsStorage", gone), "", "history");

    assertEquals(ExitCode.UNAVAILABLE, run.exit(), run.stderr());
    List<String> lines = run.stderr().lines().toList();
    assertEquals(1, lines.size(), run.stderr());
    assertTrue(lines.get(0).startsWith("driftguard history: Table storage does not answer (Failed to connect to"),
        run.stderr());
    assertTrue(lines.get(0).endsWith("; the development account (Azurite) of 'driftguard demo' stops when the demo"
        + " ends"), run.stderr());
  }
}
