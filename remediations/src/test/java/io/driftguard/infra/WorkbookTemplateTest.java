package io.driftguard.infra;

import static io.driftguard.infra.BicepTemplateTest.assertContains;
import static io.driftguard.infra.BicepTemplateTest.loads;
import static io.driftguard.infra.BicepTemplateTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Azure Monitor workbook (infra/workbook/driftguard.workbook.json, deployed by modules/workbook.bicep): every
 * section the estate view needs is there, and every query reads only columns that exist, those of the findings table
 * (infra/alerts/findings-table.json, as {@code FindingRowsTest} checks for the alert queries) or, for driftguard's own
 * health, those of the workspace's Application Insights tables.
 */
class WorkbookTemplateTest {

  static final String WORKBOOK = "workbook/driftguard.workbook.json";

  /** Columns of workspace-based Application Insights' AppTraces table (Azure Monitor Logs table reference). */
  static final Set<String> APP_TRACES_COLUMNS = Set.of("TimeGenerated", "Message", "SeverityLevel", "AppRoleName",
      "AppRoleInstance", "OperationName", "OperationId", "Properties", "ResourceGUID");

  /** Capitalised identifiers are tables and columns; KQL's operators and functions are lower-case. */
  static final Pattern IDENTIFIER = Pattern.compile("\\b_?[A-Z][A-Za-z0-9_]*\\b");
  /** A column the query itself makes: {@code Name = ...} in extend, project or summarize (not ==, !=, <=, >=). */
  static final Pattern DEFINED = Pattern.compile("\\b([A-Z][A-Za-z0-9_]*)\\s*=(?!=)");

  @Test
  void theWorkbookShowsEverySectionTheEstateViewNeeds() throws IOException {
    JsonNode workbook = InfraContractTest.read(WORKBOOK);
    assertEquals("Notebook/1.0", workbook.get("version").asText());
    assertEquals("__WORKSPACE_ID__", workbook.get("fallbackResourceIds").get(0).asText(),
        "the workspace id is filled in by modules/workbook.bicep");
    Map<String, String> queries = queries(workbook);
    assertEquals(Set.of("findings-over-time", "fixes-over-time", "apps-most-drift", "actors-most-drift", "open-per-mode",
        "open-findings", "exemptions", "back-offs", "decisions-over-time", "failed-decisions", "refused-deliveries",
        "driftguard-failures"), queries.keySet());
    assertTrue(queries.get("fixes-over-time").contains("Action == \"fixed\""));
    assertTrue(queries.get("exemptions").contains("Action == \"exempted\"") && queries.get("exemptions").contains("Message"),
        "exemptions are rows with action exempted; their expiry is read from the message");
    assertTrue(queries.get("back-offs").contains("Action == \"backed-off\""));
    assertTrue(queries.get("open-per-mode").contains("Mode"));
    for (String open : List.of("open-per-mode", "open-findings")) {
      assertTrue(queries.get(open).contains("| where State != \"resolved\"") && queries.get(open).contains("now() - OpenedAt"),
          open + ": open findings are the ones not resolved, with their age");
    }
    queries.forEach((name, query) -> assertTrue(!query.startsWith("DriftguardFindings_CL")
        || query.contains("| extend TargetResourceId = tolower(TargetResourceId)"), name + " normalises the app's id"));
    assertTrue(queries.get("actors-most-drift").contains("by Actor"));
    assertTrue(queries.get("failed-decisions").startsWith("AppTraces")
        && queries.get("failed-decisions").contains("Decision.retryable")
        && queries.get("failed-decisions").contains("Outcome == \"failed\""),
        "failed and retryable decisions come from the function's logged decision lines");
    workbook.get("items").forEach(item -> {
      JsonNode content = item.get("content");
      if (content.has("query")) {
        assertEquals("TimeRange", content.get("timeContextFromParameter").asText(), item.get("name").asText());
        assertFalse(content.get("title").asText().isBlank(), item.get("name") + " has a title");
      }
    });
  }

  @Test
  void everyQueryUsesOnlyColumnsThatExist() throws IOException {
    JsonNode table = InfraContractTest.read("alerts/findings-table.json");
    Set<String> findingsColumns = new LinkedHashSet<>();
    table.get("columns").forEach(column -> findingsColumns.add(column.get("name").asText()));
    String findingsTable = table.get("tableName").asText();
    Map<String, Set<String>> tables = Map.of(findingsTable, findingsColumns, "AppTraces", APP_TRACES_COLUMNS);
    int findingsQueries = 0;
    for (Map.Entry<String, String> query : queries(InfraContractTest.read(WORKBOOK)).entrySet()) {
      List<String> problems = unknownColumns(query.getValue(), tables);
      assertEquals(List.of(), problems, query.getKey() + " uses columns its table lacks:\n" + query.getValue());
      findingsQueries += query.getValue().startsWith(findingsTable) ? 1 : 0;
    }
    assertTrue(findingsQueries >= 8, "the estate view reads the findings table");
  }

  /**
   * An exemption's reason is free text the tag writer chooses, and it reaches Mode and Message
   * ({@code reason 'expires 2099-12-31'}): the exemptions view shows the expiry driftguard read, from its own datetime
   * column, and reads no date, nor anything else, out of text.
   */
  @Test
  void exemptionExpiryComesFromItsOwnColumnNeverFromText() throws IOException {
    JsonNode column = null;
    for (JsonNode candidate : InfraContractTest.read("alerts/findings-table.json").get("columns")) {
      column = candidate.get("name").asText().equals("ExemptUntil") ? candidate : column;
    }
    assertTrue(column != null && column.get("type").asText().equals("datetime"), "the rows carry ExemptUntil");
    String exemptions = queries(InfraContractTest.read(WORKBOOK)).get("exemptions");
    assertTrue(Pattern.compile("\\bExpires\\s*=\\s*ExemptUntil\\b").matcher(exemptions).find(), exemptions);
    assertFalse(Pattern.compile("\\b(extract|parse|split|substring|todatetime)\\b").matcher(exemptions.replaceAll(
        "split\\(TargetResourceId", "")).find(), "nothing parsed out of text:\n" + exemptions);
  }

  @Test
  void theColumnCheckFindsAMisspelledColumnAndAnUnknownTable() {
    Map<String, Set<String>> tables = Map.of("DriftguardFindings_CL", Set.of("TimeGenerated", "Action", "Rule"));
    assertEquals(List.of(), unknownColumns(
        "DriftguardFindings_CL\n| where Action != \"a B\" and Rule == \"C\"\n| summarize Fixes = count() by Rule", tables));
    assertEquals(List.of("Acton"), unknownColumns("DriftguardFindings_CL | where Acton == \"fixed\"", tables));
    assertEquals(List.of("query reads no known table: AppEvents | take 1"), unknownColumns("AppEvents | take 1", tables));
  }

  /** Identifiers a query reads that are neither its table's columns nor columns it defines itself. */
  static List<String> unknownColumns(String query, Map<String, Set<String>> tables) {
    String table = query.split("\\s", 2)[0];
    if (!tables.containsKey(table)) {
      return List.of("query reads no known table: " + query);
    }
    // Without comments, workbook parameters ({TimeRange}) and string literals (plain and verbatim @"...").
    String code = query.replaceAll("(?m)//.*$", "").replaceAll("\\{[^}]*}", "").replaceAll("@?\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
    Set<String> known = new TreeSet<>(tables.get(table));
    known.add(table);
    Matcher defined = DEFINED.matcher(code);
    while (defined.find()) {
      known.add(defined.group(1));
    }
    List<String> unknown = new ArrayList<>();
    Matcher used = IDENTIFIER.matcher(code);
    while (used.find()) {
      if (!known.contains(used.group()) && !unknown.contains(used.group())) {
        unknown.add(used.group());
      }
    }
    return unknown;
  }

  /** Item name to query, in the workbook's order. */
  static Map<String, String> queries(JsonNode workbook) {
    Map<String, String> queries = new LinkedHashMap<>();
    workbook.get("items").forEach(item -> {
      if (item.get("content").has("query")) {
        assertEquals(null, queries.put(item.get("name").asText(), item.get("content").get("query").asText()),
            "item names are unique: " + item.get("name"));
      }
    });
    return queries;
  }

  @Test
  void theWorkbookIsDeployedWithTheInfrastructureOverItsWorkspace() {
    assertTrue(loads("modules/workbook.bicep", WORKBOOK), "the module loads the workbook file, not a copy of it");
    String module = text("modules/workbook.bicep");
    assertContains(module, "'Microsoft.Insights/workbooks@", "kind: 'shared'", "category: 'workbook'",
        "sourceId: workspace.id", "'__WORKSPACE_ID__', workspace.id)", "name: guid(resourceGroup().id, namePrefix,",
        "'Microsoft.OperationalInsights/workspaces@2023-09-01' existing", "output workbookId string = workbook.id");
    String main = text("main.bicep");
    assertTrue(Pattern.compile("module workbook 'modules/workbook\\.bicep' = \\{\\s*name: 'driftguard-workbook'\\s*"
        + "scope: rg\\s*params: \\{[^}]*workspaceName: app\\.outputs\\.workspaceName").matcher(main).find(),
        "main.bicep deploys the workbook into driftguard's resource group, over the app's workspace");
    assertTrue(main.contains("output workbookId string = workbook.outputs.workbookId"));
  }
}
