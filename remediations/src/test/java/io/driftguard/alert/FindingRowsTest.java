package io.driftguard.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.engine.Action;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Finding;
import io.driftguard.engine.FindingState;
import io.driftguard.engine.FindingState.Status;
import io.driftguard.engine.FindingState.Step;
import io.driftguard.engine.Notice;
import io.driftguard.engine.Outcome;
import io.driftguard.intake.EventIntake;
import io.driftguard.intake.Screened;
import io.driftguard.intake.TestEvents;
import io.driftguard.intake.WriteEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FindingRowsTest {

  private static final Path ALERTS = Path.of("..", "infra", "alerts");
  private static final Instant NOW = Instant.parse("2026-11-22T10:16:00Z");

  private static WriteEvent event() throws Exception {
    return ((Screened.Accepted) new EventIntake(Clock.systemUTC()).screen(TestEvents.configWrite("func-orders").toString()).get(0)).event();
  }

  private static Finding finding(String rule, Action action, String written, String detail) {
    return new Finding(rule, "Minimum TLS version 1.2 or higher", "config/web", "minTlsVersion", "1.0", "1.2 or higher", "notify",
        "DRIFTGUARD_MODE", action, written, "az functionapp config set -g rg -n func-orders --min-tls-version 1.2", detail,
        List.of());
  }

  private static Decision decision(Outcome outcome, List<Finding> findings) {
    return new Decision("e1", TestEvents.siteId("func-orders"), outcome, "r", "alice@contoso.com",
        "2026-11-22T10:15:30.123Z", "Microsoft.Web/sites/config/write", List.of("min-tls"), findings, 2, 0, 10, false);
  }

  /** The rows of a decision whose findings are all newly opened (or fixed, or exempted). */
  private static List<Map<String, Object>> rows(WriteEvent event, List<WriteEvent> alsoAnswered, Decision decision) {
    List<Notice> notices = decision.findings().stream().map(finding -> new Notice(opened(event, finding),
        Optional.of(finding))).toList();
    return FindingRows.of(event, alsoAnswered, decision, notices, Optional.empty(), Map.of(), NOW);
  }

  private static FindingState opened(WriteEvent event, Finding finding) {
    Status status = switch (finding.action()) {
      case FIXED -> Status.RESOLVED;
      case EXEMPTED -> Status.EXEMPTED;
      default -> Status.OPEN;
    };
    Step step = switch (finding.action()) {
      case FIXED -> Step.RESOLVED;
      case EXEMPTED -> Step.EXEMPTED;
      default -> Step.OPENED;
    };
    return new FindingState(FindingState.resourceKey(event.site().id()), finding.rule(), status, step,
        finding.observed(), finding.desired(), finding.mode() + " (" + finding.modeSource() + ")",
        finding.action().label(), NOW, NOW, NOW, event.changedBy(), event.eventId(), null);
  }

  private static List<String> schemaColumns() throws Exception {
    JsonNode table = new ObjectMapper().readTree(ALERTS.resolve("findings-table.json").toFile());
    List<String> columns = new ArrayList<>();
    table.get("columns").forEach(column -> columns.add(column.get("name").asText()));
    return columns;
  }

  @Test
  void rowsHaveExactlyTheColumnsOfTheTable() throws Exception {
    List<Map<String, Object>> rows = rows(event(), List.of(), decision(Outcome.ALERTED,
        List.of(finding("min-tls", Action.ALERTED, null, null))));
    assertEquals(1, rows.size());
    assertEquals(schemaColumns(), List.copyOf(rows.get(0).keySet()));
  }

  @Test
  void aRowAndItsMessageNameHowTheAppIsHosted() throws Exception {
    Finding onFlex = new Finding("min-tls", "Minimum TLS version 1.2 or higher", "config/web", "minTlsVersion", "1.0", "1.2 or higher",
        "notify", "DRIFTGUARD_MODE", Action.ALERTED, null, "az functionapp config set", null, List.of(), null,
        "Flex Consumption");
    Decision decision = new Decision("e1", TestEvents.siteId("func-orders"), "Flex Consumption", Outcome.ALERTED, "r",
        "alice@contoso.com", "2026-11-22T10:15:30.123Z", "Microsoft.Web/sites/config/write", List.of("min-tls"),
        List.of(onFlex), 2, 0, 10, false, false, List.of());
    Map<String, Object> row = rows(event(), List.of(), decision).get(0);
    assertEquals("Flex Consumption", row.get("HostingModel"));
    assertTrue(row.get("Message").toString().contains("func-orders (Flex Consumption, resource group rg)"),
        row.get("Message").toString());
    assertEquals("", rows(event(), List.of(), decision(Outcome.ALERTED,
        List.of(finding("min-tls", Action.ALERTED, null, null)))).get(0).get("HostingModel"));
  }

  @Test
  void anAlertSaysWhoChangedWhatWhenWhatWasDoneAndHowToFixOrExempt() throws Exception {
    Map<String, Object> row = rows(event(), List.of(), decision(Outcome.ALERTED,
        List.of(finding("min-tls", Action.ALERTED, null, null)))).get(0);
    assertEquals(TestEvents.siteId("func-orders").toLowerCase(), row.get("TargetResourceId"), "one alert target per app");
    assertEquals("opened", row.get("State"));
    assertEquals("2026-11-22T10:16:00Z", row.get("OpenedAt"));
    assertEquals("alice@contoso.com", row.get("Actor"));
    assertEquals("203.0.113.7", row.get("ActorIp"));
    assertEquals(2, row.get("Severity"));
    assertEquals("2026-11-22T10:16:00Z", row.get("TimeGenerated"));
    assertEquals("alice@contoso.com wrote config/web of func-orders (resource group rg) at 2026-11-22T10:15:30.123Z"
        + " (operation Microsoft.Web/sites/config/write); min-tls minTlsVersion is now 1.0 (wants 1.2 or higher). driftguard did not change it (DRIFTGUARD_MODE = notify)."
        + " Fix: az functionapp config set -g rg -n func-orders --min-tls-version 1.2."
        + " Exempt: tag the app driftguard-exempt=min-tls with driftguard-exempt-until=<date> and"
        + " driftguard-exempt-reason=<why>.", row.get("Message"));
  }

  @Test
  void severityFollowsWhatAPersonMustDo() throws Exception {
    List<Map<String, Object>> rows = rows(event(), List.of(), decision(Outcome.FAILED, List.of(
        finding("min-tls", Action.FIXED, "1.2", null),
        finding("ftp-disabled", Action.FIX_FAILED, null, "403 AuthorizationFailed"),
        finding("https-only", Action.BACKED_OFF, null, "fixed 3 times within 1h"))));
    assertEquals(List.of(3, 1, 1), rows.stream().map(row -> row.get("Severity")).toList());
    assertTrue(((String) rows.get(0).get("Message")).contains("driftguard fixed it: wrote 1.2"));
    assertTrue(((String) rows.get(1).get("Message")).contains("driftguard's fix failed: 403 AuthorizationFailed"));
    assertTrue(((String) rows.get(2).get("Message")).contains("driftguard stopped auto-fixing it: fixed 3 times"));
  }

  @Test
  void anExemptedFindingIsInformationalAndNamesTheTagAndTheWriter() throws Exception {
    Finding exempted = new Finding("min-tls", "Minimum TLS version 1.2 or higher", "config/web", "minTlsVersion", "1.0", "1.2 or higher",
        "off", "tag driftguard-exempt=min-tls, reason 'old clients', until 2027-01-01T00:00:00Z", Action.EXEMPTED, null,
        "az functionapp config set -g rg -n func-orders --min-tls-version 1.2", null,
        List.of(), "2027-01-01T00:00:00Z", null);
    Map<String, Object> row = rows(event(), List.of(), decision(Outcome.EXEMPTED, List.of(exempted))).get(0);
    assertEquals(3, row.get("Severity"));
    assertEquals("exempted", row.get("Action"));
    assertEquals("2027-01-01T00:00:00Z", row.get("ExemptUntil"), "the expiry in its own column");
    assertEquals("off (tag driftguard-exempt=min-tls, reason 'old clients', until 2027-01-01T00:00:00Z)", row.get("Mode"));
    assertEquals("alice@contoso.com", row.get("Actor"));
    assertEquals("alice@contoso.com wrote config/web of func-orders (resource group rg) at 2026-11-22T10:15:30.123Z"
        + " (operation Microsoft.Web/sites/config/write); min-tls minTlsVersion is now 1.0 (wants 1.2 or higher). driftguard did not"
        + " change it: exempt by tag"
        + " driftguard-exempt=min-tls, reason 'old clients', until 2027-01-01T00:00:00Z. Fix: az functionapp config set"
        + " -g rg -n func-orders --min-tls-version 1.2, or remove the tag to let driftguard act.", row.get("Message"));
  }

  @Test
  void aFailureOfDriftguardItselfIsOneRow() throws Exception {
    List<Map<String, Object>> rows = rows(event(), List.of(), decision(Outcome.FAILED, List.of()));
    assertEquals(1, rows.size());
    assertEquals("driftguard", rows.get(0).get("Rule"));
    assertEquals(1, rows.get(0).get("Severity"));
    assertEquals(null, rows.get(0).get("ExemptUntil"), "nothing exempt, no expiry");
    assertEquals(TestEvents.siteId("func-orders").toLowerCase(), rows.get(0).get("TargetResourceId"),
        "where driftguard's own app is not known, the app it failed on");
  }

  @Test
  void aFailureOfDriftguardItselfTargetsDriftguardsOwnApp() throws Exception {
    String self = "/subscriptions/00000000-0000-0000-0000-00000000d9d9/resourceGroups/RG-Driftguard/providers/Microsoft.Web/sites/Func-Driftguard";
    List<Map<String, Object>> rows = FindingRows.of(event(), List.of(), decision(Outcome.FAILED, List.of()), List.of(),
        Optional.of(self), Map.of(), NOW);
    assertEquals(self.toLowerCase(), rows.get(0).get("TargetResourceId"));
    assertTrue(((String) rows.get(0).get("Message")).contains(TestEvents.siteId("func-orders")), "names the app it failed on");
    assertEquals(self.toLowerCase(), FindingRows.abandonedSweep("", "m1", "poison", Optional.of(self), NOW)
        .get("TargetResourceId"));
  }

  @Test
  void aResolvedFindingIsAnInformationalRowThatSaysWhoAndSinceWhen() throws Exception {
    FindingState resolved = new FindingState(TestEvents.siteId("func-orders").toLowerCase(), "min-tls", Status.RESOLVED,
        Step.RESOLVED, "1.0", "1.2 or higher", "notify (DRIFTGUARD_MODE)", "resolved",
        Instant.parse("2026-11-20T08:00:00Z"), Instant.parse("2026-11-20T08:00:00Z"), NOW, "alice@contoso.com", "e1", null);
    Map<String, Object> row = FindingRows.of(event(), List.of(), decision(Outcome.COMPLIANT, List.of()),
        List.of(new Notice(resolved, Optional.empty())), Optional.empty(), Map.of(), NOW).get(0);
    assertEquals("resolved", row.get("State"));
    assertEquals("resolved", row.get("Action"));
    assertEquals(3, row.get("Severity"));
    assertEquals("min-tls of func-orders (resource group rg) is resolved at 2026-11-22T10:16:00Z: compliant again, by"
        + " alice@contoso.com; it was 1.0 (wants 1.2 or higher) since 2026-11-20T08:00:00Z. Nothing to do.",
        row.get("Message"));
  }

  @Test
  void everyColumnTheAlertQueriesUseExistsInTheRowSchema() throws Exception {
    Set<String> known = new LinkedHashSet<>(schemaColumns());
    JsonNode table = new ObjectMapper().readTree(ALERTS.resolve("findings-table.json").toFile());
    known.add(table.get("tableName").asText());
    // The rules over the findings table; a health rule (driftguard-cannot-start.kql) reads Application Insights' tables.
    String findingsTable = table.get("tableName").asText();
    List<Path> queries = new ArrayList<>();
    try (Stream<Path> files = Files.list(ALERTS)) {
      for (Path file : files.filter(file -> file.toString().endsWith(".kql")).toList()) {
        if (Files.readString(file).contains(findingsTable)) {
          queries.add(file);
        }
      }
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
      assertTrue(used.contains("Rule"), query + " must split its alerts per control");
      // A column the query computes itself (extend Notice = ...) is its own, not the schema's.
      Set<String> computed = Pattern.compile("extend (\\w+) =").matcher(kql).results().map(r -> r.group(1))
          .collect(Collectors.toSet());
      for (String column : used) {
        assertTrue(known.contains(column) || computed.contains(column),
            query.getFileName() + " uses " + column + ", which the row schema lacks");
      }
    }
  }

  /** A config/web write by Carol: the message says what she wrote, and does not claim she wrote the site. */
  @Test
  void theMessageSaysWhatWasWrittenAndWhoElseWrote() throws Exception {
    WriteEvent carol = written("carol@contoso.com", TestEvents.configWrite("func-orders"));
    List<WriteEvent> alsoAnswered = List.of(
        written("dave@contoso.com", TestEvents.write(TestEvents.siteId("func-orders"), "Microsoft.Web/sites/write")),
        written("erin@contoso.com", TestEvents.configWrite("func-orders")),
        written("carol@contoso.com", TestEvents.configWrite("func-orders")));
    Finding onSite = new Finding("https-only", "HTTPS only", "site", "httpsOnly", "false", "true", "notify", "DRIFTGUARD_MODE",
        Action.ALERTED, null, "az functionapp update -g 'rg' -n 'func-orders' --set 'httpsOnly=true'", null,
        List.of());
    List<Map<String, Object>> rows = rows(carol, alsoAnswered, decision(Outcome.ALERTED,
        List.of(onSite, finding("min-tls", Action.ALERTED, null, null))));

    String site = (String) rows.get(0).get("Message");
    assertTrue(site.startsWith("carol@contoso.com wrote config/web of func-orders (resource group rg) at"
        + " 2026-11-22T10:15:30.123Z (operation Microsoft.Web/sites/config/write); also written by dave@contoso.com,"
        + " erin@contoso.com; https-only httpsOnly (site) is false (wants true)."), site);
    assertFalse(site.contains("wrote site"), site);
    String config = (String) rows.get(1).get("Message");
    assertTrue(config.contains("erin@contoso.com; min-tls minTlsVersion is now 1.0 (wants 1.2 or higher)."), config);
    assertEquals("carol@contoso.com", rows.get(0).get("Actor"));
  }

  private static WriteEvent written(String upn, ObjectNode event) throws Exception {
    ((ObjectNode) event.get("data").get("claims")).put("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", upn);
    return ((Screened.Accepted) new EventIntake(Clock.systemUTC()).screen(event.toString()).get(0)).event();
  }
}
