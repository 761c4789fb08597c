package io.driftguard.sandbox;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The sandbox's Resource Graph understands the condition shapes driftguard builds (nested PascalCase paths, case-blind
 * lists, null tests, {@code contains}, tags) and the form that returns every app with its {@code suspect} flag, and
 * refuses anything else.
 */
class GraphQueryTest {

  private static final String SITES = "resources\n"
      + "| where type in~ ('microsoft.web/sites', 'microsoft.web/sites/slots') and kind contains 'functionapp'\n"
      + "| extend siteKey = tolower(id)\n" + GraphQuery.JOIN + "\n";
  private static final String ROWS = "| project id, subscriptionId\n| order by id asc";
  private static final String FLAGGED_ROWS = "| project id, subscriptionId, suspect\n| order by id asc";

  private static GraphQuery.Row row(String tags, String properties, String config) {
    return new GraphQuery.Row("/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/a", "s",
        "microsoft.web/sites", "functionapp,linux", Json.parseObject(tags), Json.parseObject(properties),
        config == null ? null : Json.parseObject(config));
  }

  private static GraphQuery where(String condition) {
    return GraphQuery.parse(SITES + "| where " + condition + "\n" + ROWS);
  }

  @Test
  void aNestedPascalCasePathIsTestedForNullAndForWhatItContainsIgnoringCase() {
    GraphQuery cors = where("isnull(config.Cors.AllowedOrigins) or tostring(config.Cors.AllowedOrigins) contains '*'");

    assertTrue(cors.keeps(row("{}", "{}", "{\"Cors\":{\"AllowedOrigins\":[\"https://a\",\"*\"]}}")));
    assertTrue(cors.keeps(row("{}", "{}", "{\"Cors\":null}")), "missing: kept");
    assertFalse(cors.keeps(row("{}", "{}", "{\"Cors\":{\"AllowedOrigins\":[\"https://portal.azure.com\"]}}")));
  }

  @Test
  void aCaseBlindListAndAPresentSitePropertyKeepTheApp() {
    GraphQuery runtime = where("tostring(config.LinuxFxVersion) !in~ ('python|3.12', 'node|22')"
        + " or isnotnull(properties.functionAppConfig.runtime)");

    assertFalse(runtime.keeps(row("{}", "{}", "{\"LinuxFxVersion\":\"PYTHON|3.12\"}")));
    assertTrue(runtime.keeps(row("{}", "{}", "{\"LinuxFxVersion\":\"Python|3.8\"}")));
    assertTrue(runtime.keeps(row("{}", "{}", "{\"LinuxFxVersion\":\"\"}")), "nothing shown: kept");
    assertTrue(runtime.keeps(row("{}", "{\"functionAppConfig\":{\"runtime\":{\"name\":\"python\"}}}",
        "{\"LinuxFxVersion\":\"Python|3.12\"}")), "a Flex runtime wins over linuxFxVersion: kept");
  }

  @Test
  void tagsAreSearchedIgnoringCase() {
    GraphQuery tagged = where("tostring(tags) contains 'driftguard-enable'");

    assertTrue(tagged.keeps(row("{\"Driftguard-Enable\":\"client-cert-required\"}", "{}", "{}")));
    assertFalse(tagged.keeps(row("{\"team\":\"payments\"}", "{}", "{}")));
  }

  @Test
  void theFlaggingFormReturnsEveryAppWithWhetherAConditionHolds() {
    GraphQuery flagging = GraphQuery.parse(SITES
        + "| extend suspect = isnull(config) or tostring(config.FtpsState) !in ('Disabled')\n" + FLAGGED_ROWS);
    GraphQuery.Row clean = row("{}", "{}", "{\"FtpsState\":\"Disabled\"}");
    GraphQuery.Row drifted = row("{}", "{}", "{\"FtpsState\":\"AllAllowed\"}");

    assertTrue(flagging.flagsAll());
    assertTrue(flagging.keeps(clean) && flagging.keeps(drifted));
    assertFalse(flagging.suspect(clean));
    assertTrue(flagging.suspect(drifted));
    assertTrue(flagging.suspect(row("{}", "{}", null)), "no config/web row: suspect");
  }

  @Test
  void whatDriftguardDoesNotSendIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> where("tostring(config.FtpsState) == 'Disabled'"));
    assertThrows(IllegalArgumentException.class, () -> where("tostring(config.Cors.AllowedOrigins) contains \"*\""));
    assertThrows(IllegalArgumentException.class, () -> GraphQuery.parse(SITES
        + "| extend suspect = isnull(config)\n" + ROWS), "a flag must be projected");
  }
}
