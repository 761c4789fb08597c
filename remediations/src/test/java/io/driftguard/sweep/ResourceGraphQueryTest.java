package io.driftguard.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.controls.Control;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.controls.Evaluation;
import io.driftguard.controls.FtpsTarget;
import io.driftguard.controls.TlsVersion;
import io.driftguard.documents.Documents;
import io.driftguard.policy.ModePolicy;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Resource Graph query is derived from the enabled controls and their settings, never a fixed list. */
class ResourceGraphQueryTest {

  /** The catalog's controls on properties Resource Graph indexes (the site and config/web) with a value list. */
  private static final Set<String> INDEXED = Set.of("https-only", "ftp-disabled", "remote-debugging-off", "min-tls",
      "scm-min-tls", "http2-enabled");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TAGS = List.of(ModePolicy.MODE_TAG, ModePolicy.ENABLE_TAG, ModePolicy.AUTOFIX_TAG);

  private static List<Control> indexed(ControlCatalog catalog) {
    return catalog.all().stream().filter(control -> INDEXED.contains(control.id())).toList();
  }

  /** The controls on for an untagged app with the default settings. */
  private static List<Control> onByDefault(ControlCatalog catalog) {
    return catalog.all().stream().filter(control -> !control.optIn()).toList();
  }

  @Test
  void eachEnabledControlAddsTheConditionThatHoldsWhenItsValueIsNotCompliant() {
    ResourceGraphQuery query = ResourceGraphQuery.forControls(
        indexed(ControlCatalog.standard(new TlsVersion(1, 2), FtpsTarget.DISABLED, Clock.systemUTC())), List.of());

    assertTrue(query.text().contains("| where isnull(config)"
        + " or tostring(properties.httpsOnly) !in ('true')"
        + " or tostring(config.FtpsState) !in ('Disabled')"
        + " or tostring(config.RemoteDebuggingEnabled) !in ('false')"
        + " or tostring(config.MinTlsVersion) !in ('1.2', '1.3')"
        + " or tostring(config.ScmMinTlsVersion) !in ('1.2', '1.3')"
        + " or tostring(config.Http20Enabled) !in ('true')\n"), query.text());
    assertEquals(List.of(), query.readDirectly());
  }

  @Test
  void theConditionsFollowTheSettingsAndLeaveOutDisabledControls() {
    List<Control> controls = new ArrayList<>(indexed(ControlCatalog.standard(new TlsVersion(1, 3), FtpsTarget.FTPS_ONLY, Clock.systemUTC())));
    controls.removeIf(control -> control.id().equals("https-only"));

    String query = ResourceGraphQuery.forControls(controls, List.of()).text();

    assertTrue(query.contains("tostring(config.FtpsState) !in ('FtpsOnly', 'Disabled')"), query);
    assertTrue(query.contains("tostring(config.MinTlsVersion) !in ('1.3')"), query);
    assertFalse(query.contains("httpsOnly"), query);
  }

  @Test
  void corsIsFlaggedWhereItsAllowedOriginsAreMissingOrHoldAWildcard() {
    String query = ResourceGraphQuery.forControls(ControlCatalog.defaults().find("cors-no-wildcard").stream().toList(),
        List.of()).text();

    assertTrue(query.contains("| where isnull(config) or isnull(config.Cors.AllowedOrigins)"
        + " or tostring(config.Cors.AllowedOrigins) contains '*'\n"), query);
  }

  /**
   * The supported spellings come from runtime-support.json on the catalog's day, not from a list of their own: each
   * version in the table is in the query's compliant list exactly when the control itself judges an app showing it
   * compliant.
   */
  @Test
  void runtimeSupportFlagsEveryLinuxFxVersionButTheVersionsTheControlJudgesSupported() throws IOException {
    LocalDate day = LocalDate.of(2026, 11, 29);
    ControlCatalog catalog = ControlCatalog.standard(new TlsVersion(1, 2), FtpsTarget.DISABLED,
        Clock.fixed(day.atStartOfDay(ZoneOffset.UTC).toInstant(), ZoneOffset.UTC));
    Control runtime = catalog.find("runtime-supported").orElseThrow();
    JsonNode table;
    try (InputStream in = Control.class.getResourceAsStream("runtime-support.json")) {
      table = JSON.readTree(in);
    }
    List<String> supported = new ArrayList<>();
    table.path("languages").fields().forEachRemaining(language -> language.getValue().fieldNames().forEachRemaining(
        version -> {
          String spelled = language.getKey() + "|" + version;
          ObjectNode config = JSON.createObjectNode();
          config.putObject("properties").put("linuxFxVersion", spelled);
          Evaluation judged = runtime.evaluate(document -> document.equals(Documents.WEB_CONFIG) ? config
              : JSON.createObjectNode());
          assertTrue(judged.judged(), spelled);
          if (judged.compliant()) {
            supported.add("'" + spelled + "'");
          }
        }));

    String query = ResourceGraphQuery.forControls(List.of(runtime), List.of()).text();

    assertTrue(query.contains("| where isnull(config) or tostring(config.LinuxFxVersion) !in~ ("
        + String.join(", ", supported) + ") or isnotnull(properties.functionAppConfig.runtime)\n"), query);
    assertTrue(query.contains("'python|3.11'") && !query.contains("'python|3.9'") && !query.contains("'node|20'"),
        "python 3.9 and node 20 ended before " + day + ": " + query);
  }

  /**
   * The default profile: every control on by default has a predicate but the two basic-auth ones, whose policies
   * Resource Graph does not index, so every app is returned, flagged or to have those policies read; and tags count,
   * so an app carrying a tag that turns a control on is flagged.
   */
  @Test
  void theDefaultProfileFlagsAppsAndLeavesOnlyThePublishingPoliciesToBeReadDirectly() {
    ControlCatalog catalog = ControlCatalog.defaults();

    ResourceGraphQuery query = ResourceGraphQuery.forControls(onByDefault(catalog), TAGS);

    assertEquals(List.of("ftp-basic-auth-off", "scm-basic-auth-off"),
        query.readDirectly().stream().map(Control::id).toList());
    assertTrue(query.text().startsWith(ResourceGraphQuery.SITES + "| extend suspect = isnull(config)"
        + " or tostring(tags) contains 'driftguard-mode' or tostring(tags) contains 'driftguard-enable'"
        + " or tostring(tags) contains 'driftguard-autofix' or tostring(properties.httpsOnly) !in ('true')"),
        query.text());
    assertTrue(query.text().endsWith(ResourceGraphQuery.FLAGGED_ROWS), query.text());
  }

  @Test
  void aControlWithoutAPredicateOnAnIndexedDocumentMakesEveryAppAFlaggedCandidate() {
    List<Control> controls = new ArrayList<>(onByDefault(ControlCatalog.defaults()));
    controls.add(ControlCatalog.defaults().find("access-restricted").orElseThrow());

    ResourceGraphQuery query = ResourceGraphQuery.forControls(controls, TAGS);

    assertEquals(ResourceGraphQuery.SITES + ResourceGraphQuery.ROWS, query.text());
    assertEquals(List.of(), query.readDirectly());
  }
}
