package io.driftguard.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftguard.engine.Action;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Finding;
import io.driftguard.engine.Outcome;
import io.driftguard.intake.EventIntake;
import io.driftguard.intake.Screened;
import io.driftguard.intake.TestEvents;
import io.driftguard.intake.WriteEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FindingRowsTest {

  private static final Path ALERTS = Path.of("..", "infra", "alerts");
  private static final Instant NOW = Instant.parse("2026-11-22T10:16:00Z");

  private static WriteEvent event() throws Exception {
    return ((Screened.Accepted) new EventIntake().screen(TestEvents.configWrite("func-orders").toString()).get(0)).event();
  }

  private static Finding finding(String rule, Action action, String written, String detail) {
    return new Finding(rule, "Minimum TLS version 1.2 or higher", "config/web", "1.0", "1.2 or higher", "notify",
        "DRIFTGUARD_MODE", action, written, "az functionapp config set -g rg -n func-orders --min-tls-version 1.2", detail,
        List.of());
  }

  private static Decision decision(Outcome outcome, List<Finding> findings) {
    return new Decision("e1", TestEvents.siteId("func-orders"), outcome, "r", "alice@contoso.com",
        "2026-11-22T10:15:30.123Z", "Microsoft.Web/sites/config/write", List.of("min-tls"), findings, 2, 0, 10, false);
  }

  private static List<String> schemaColumns() throws Exception {
    JsonNode table = new ObjectMapper().readTree(ALERTS.resolve("findings-table.json").toFile());
    List<String> columns = new ArrayList<>();
    table.get("columns").forEach(column -> columns.add(column.get("name").asText()));
    return columns;
  }

  @Test
  void rowsHaveExactlyTheColumnsOfTheTable() throws Exception {
    List<Map<String, Object>> rows = FindingRows.of(event(), decision(Outcome.ALERTED,
        List.of(finding("min-tls", Action.ALERTED, null, null))), NOW);
    assertEquals(1, rows.size());
    assertEquals(schemaColumns(), List.copyOf(rows.get(0).keySet()));
  }

  @Test
  void anAlertSaysWhoChangedWhatWhenWhatWasDoneAndHowToFixOrExempt() throws Exception {
    Map<String, Object> row = FindingRows.of(event(), decision(Outcome.ALERTED,
        List.of(finding("min-tls", Action.ALERTED, null, null))), NOW).get(0);
    assertEquals(TestEvents.siteId("func-orders"), row.get("TargetResourceId"));
    assertEquals("alice@contoso.com", row.get("Actor"));
    assertEquals("203.0.113.7", row.get("ActorIp"));
    assertEquals(2, row.get("Severity"));
    assertEquals("2026-11-22T10:16:00Z", row.get("TimeGenerated"));
    assertEquals("alice@contoso.com wrote config/web of func-orders (resource group rg) at 2026-11-22T10:15:30.123Z;"
        + " min-tls is now 1.0 (wants 1.2 or higher). driftguard did not change it (DRIFTGUARD_MODE = notify)."
        + " Fix: az functionapp config set -g rg -n func-orders --min-tls-version 1.2."
        + " Exempt: tag the app driftguard-exempt=min-tls.", row.get("Message"));
  }

  @Test
  void severityFollowsWhatAPersonMustDo() throws Exception {
    List<Map<String, Object>> rows = FindingRows.of(event(), decision(Outcome.FAILED, List.of(
        finding("min-tls", Action.FIXED, "1.2", null),
        finding("ftp-disabled", Action.FIX_FAILED, null, "403 AuthorizationFailed"),
        finding("https-only", Action.BACKED_OFF, null, "fixed 3 times within 1h"))), NOW);
    assertEquals(List.of(3, 1, 1), rows.stream().map(row -> row.get("Severity")).toList());
    assertTrue(((String) rows.get(0).get("Message")).contains("driftguard fixed it: wrote 1.2"));
    assertTrue(((String) rows.get(1).get("Message")).contains("driftguard's fix failed: 403 AuthorizationFailed"));
    assertTrue(((String) rows.get(2).get("Message")).contains("driftguard stopped auto-fixing it: fixed 3 times"));
  }

  @Test
  void anExemptedFindingIsInformationalAndNamesTheTagAndTheWriter() throws Exception {
    Finding exempted = new Finding("min-tls", "Minimum TLS version 1.2 or higher", "config/web", "1.0", "1.2 or higher",
        "off", "tag driftguard-exempt=min-tls, reason 'old clients', until 2027-01-01T00:00:00Z", Action.EXEMPTED, null,
        "az functionapp config set -g rg -n func-orders --min-tls-version 1.2", null, List.of());
    Map<String, Object> row = FindingRows.of(event(), decision(Outcome.EXEMPTED, List.of(exempted)), NOW).get(0);
    assertEquals(3, row.get("Severity"));
    assertEquals("exempted", row.get("Action"));
    assertEquals("off (tag driftguard-exempt=min-tls, reason 'old clients', until 2027-01-01T00:00:00Z)", row.get("Mode"));
    assertEquals("alice@contoso.com", row.get("Actor"));
    assertEquals("alice@contoso.com wrote config/web of func-orders (resource group rg) at 2026-11-22T10:15:30.123Z;"
        + " min-tls is now 1.0 (wants 1.2 or higher). driftguard did not change it: exempt by tag"
        + " driftguard-exempt=min-tls, reason 'old clients', until 2027-01-01T00:00:00Z. Fix: az functionapp config set"
        + " -g rg -n func-orders --min-tls-version 1.2, or remove the tag to let driftguard act.", row.get("Message"));
  }

  @Test
  void aFailureOfDriftguardItselfIsOneRow() throws Exception {
    List<Map<String, Object>> rows = FindingRows.of(event(), decision(Outcome.FAILED, List.of()), NOW);
    assertEquals(1, rows.size());
    assertEquals("driftguard", rows.get(0).get("Rule"));
    assertEquals(1, rows.get(0).get("Severity"));
  }

  @Test
  void everyColumnTheAlertQueriesUseExistsInTheRowSchema() throws Exception {
    Set<String> known = new LinkedHashSet<>(schemaColumns());
    JsonNode table = new ObjectMapper().readTree(ALERTS.resolve("findings-table.json").toFile());
    known.add(table.get("tableName").asText());
    List<Path> queries;
    try (Stream<Path> files = Files.list(ALERTS)) {
      queries = files.filter(file -> file.toString().endsWith(".kql")).toList();
    }
    assertTrue(queries.size() >= 2);
    // Columns and tables are capitalised; KQL operators and functions are lower-case.
    Pattern identifier = Pattern.compile("\\b_?[A-Z][A-Za-z0-9_]*\\b");
    for (Path query : queries) {
      String kql = Files.readString(query).replaceAll("(?m)//.*$", "").replaceAll("\"[^\"]*\"", "\"\"");
      Matcher matcher = identifier.matcher(kql);
      List<String> used = new ArrayList<>();
      while (matcher.find()) {
        used.add(matcher.group());
      }
      assertTrue(used.contains("TargetResourceId"), query + " must project TargetResourceId, the rules' resource-id column");
      assertTrue(used.contains("EventId") && used.contains("Rule"), query + " must collapse rows by EventId and Rule");
      for (String column : used) {
        assertTrue(known.contains(column), query.getFileName() + " uses " + column + ", which the row schema lacks");
      }
    }
  }
}
