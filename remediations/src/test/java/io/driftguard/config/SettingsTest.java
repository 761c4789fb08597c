package io.driftguard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.controls.FtpsTarget;
import io.driftguard.controls.TlsVersion;
import io.driftguard.policy.Mode;
import io.driftguard.policy.TagExemptions;
import io.driftguard.policy.TagOptIn;
import io.driftguard.resource.HostingModel;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void remindersComeDailyUnlessSetOtherwiseOrOff() {
    assertEquals(Optional.of(java.time.Duration.ofDays(1)), Settings.from(Map.of()).reminderInterval());
    assertEquals(Optional.of(java.time.Duration.ofDays(7)),
        Settings.from(Map.of("DRIFTGUARD_REMINDER_INTERVAL", "P7D")).reminderInterval());
    assertEquals(Optional.empty(), Settings.from(Map.of("DRIFTGUARD_REMINDER_INTERVAL", "off")).reminderInterval());
    assertThrows(SettingsException.class, () -> Settings.from(Map.of("DRIFTGUARD_REMINDER_INTERVAL", "sometimes")));
  }

  @Test
  void defaultsAreSafe() {
    Settings settings = Settings.from(Map.of());
    assertEquals(Mode.NOTIFY, settings.mode());
    assertEquals(Map.of(), settings.controlModes());
    assertEquals(Set.of(), settings.subscriptions());
    assertEquals(URI.create("https://management.azure.com/"), settings.armEndpoint());
    assertEquals(FtpsTarget.DISABLED, settings.ftpsTarget());
    assertEquals(new TlsVersion(1, 2), settings.minTls());
    assertEquals(Optional.empty(), settings.selfObjectId());
    assertFalse(settings.managedIdentity());
  }

  @Test
  void readsEverySetting() {
    Settings settings = Settings.from(Map.of(
        "DRIFTGUARD_MODE", "autofix",
        "DRIFTGUARD_RULE_FTP_DISABLED", "notify",
        "DRIFTGUARD_SUBSCRIPTIONS", "00000000-0000-0000-0000-000000000001, 00000000-0000-0000-0000-000000000002",
        "DRIFTGUARD_SELF_OBJECT_ID", "33333333-3333-3333-3333-333333333333",
        "DRIFTGUARD_ARM_ENDPOINT", "https://management.usgovcloudapi.net/",
        "DRIFTGUARD_FTPS_STATE", "FtpsOnly",
        "DRIFTGUARD_MIN_TLS", "1.3",
        "IDENTITY_ENDPOINT", "http://localhost:8081/msi/token",
        "IDENTITY_HEADER", "secret"));
    assertEquals(Mode.AUTOFIX, settings.mode());
    assertEquals(Map.of("ftp-disabled", Mode.NOTIFY), settings.controlModes());
    assertEquals(2, settings.subscriptions().size());
    assertEquals(Optional.of("33333333-3333-3333-3333-333333333333"), settings.selfObjectId());
    assertEquals(FtpsTarget.FTPS_ONLY, settings.ftpsTarget());
    assertEquals(new TlsVersion(1, 3), settings.minTls());
    assertTrue(settings.managedIdentity());
  }

  @Test
  void reportsEveryProblemAtOnce() {
    SettingsException refused = assertThrows(SettingsException.class, () -> Settings.from(Map.of(
        "DRIFTGUARD_MODE", "auto",
        "DRIFTGUARD_RULE_MIN_TLS", "sometimes",
        "DRIFTGUARD_RULE_MIN_TSL", "off",
        "DRIFTGUARD_SUBSCRIPTIONS", "prod",
        "DRIFTGUARD_ARM_ENDPOINT", "http://management.azure.com",
        "DRIFTGUARD_FTPS_STATE", "AllAllowed",
        "DRIFTGUARD_MIN_TLS", "high")));
    assertEquals(7, refused.problems().size(), refused.getMessage());
    assertTrue(refused.getMessage().contains("DRIFTGUARD_RULE_MIN_TSL: unknown setting"));
  }

  @Test
  void autofixForAReportOnlyControlIsRefusedAtStart() {
    SettingsException refused = assertThrows(SettingsException.class,
        () -> Settings.from(Map.of("DRIFTGUARD_RULE_RUNTIME_SUPPORTED", "autofix")));
    assertEquals(java.util.List.of("DRIFTGUARD_RULE_RUNTIME_SUPPORTED: runtime-supported is report-only (no fix exists),"
        + " so autofix is not allowed: use notify or off"), refused.problems());
    assertEquals(Mode.NOTIFY, Settings.from(Map.of("DRIFTGUARD_RULE_AUTH_ENABLED", "notify")).controlModes().get("auth-enabled"));
    assertEquals(Mode.AUTOFIX, Settings.from(Map.of("DRIFTGUARD_RULE_CORS_NO_WILDCARD", "autofix"))
        .controlModes().get("cors-no-wildcard"), "a guarded control may be asked to fix");
  }

  @Test
  void alertsStorageAndFlappingHaveSafeDefaults() {
    Settings settings = Settings.from(Map.of());
    assertEquals(Optional.empty(), settings.alerts());
    assertEquals(Optional.empty(), settings.storage());
    assertEquals(new io.driftguard.record.FlapLimits(3, java.time.Duration.ofHours(1), java.time.Duration.ofHours(24)), settings.flapping());
  }

  @Test
  void readsAlertStorageAndFlappingSettings() {
    Settings settings = Settings.from(Map.of(
        "DRIFTGUARD_ALERT_ENDPOINT", "https://dce-1.westeurope-1.ingest.monitor.azure.com",
        "DRIFTGUARD_ALERT_RULE_ID", "dcr-0123",
        "DRIFTGUARD_ALERT_STREAM", "Custom-DriftguardFindings",
        "AzureWebJobsStorage__accountName", "stdriftguard",
        "DRIFTGUARD_FLAP_MAX_FIXES", "5",
        "DRIFTGUARD_FLAP_WINDOW", "30m",
        "DRIFTGUARD_FLAP_COOLDOWN", "PT12H"));
    assertEquals("dcr-0123", settings.alerts().orElseThrow().ruleId());
    assertEquals(URI.create("https://stdriftguard.table.core.windows.net/"),
        settings.storage().orElseThrow().tableServiceUri().orElseThrow());
    assertEquals(URI.create("https://stdriftguard.queue.core.windows.net/"),
        settings.storage().orElseThrow().queueServiceUri().orElseThrow(), "the sweep queue is in the same account");
    assertEquals(new io.driftguard.record.FlapLimits(5, java.time.Duration.ofMinutes(30), java.time.Duration.ofHours(12)),
        settings.flapping());
    assertEquals(Optional.of("UseDevelopmentStorage=true"),
        Settings.from(Map.of("AzureWebJobsStorage", "UseDevelopmentStorage=true")).storage().orElseThrow().connectionString());
  }

  @Test
  void aPartialAlertTargetIsAnError() {
    SettingsException refused = assertThrows(SettingsException.class,
        () -> Settings.from(Map.of("DRIFTGUARD_ALERT_ENDPOINT", "https://dce.example", "DRIFTGUARD_FLAP_MAX_FIXES", "0")));
    assertEquals(2, refused.problems().size(), refused.getMessage());
    assertTrue(refused.getMessage().contains("go together"));
  }

  @Test
  void tagExemptionsAreHonouredByDefaultAndOnlyTheThreeChoicesAreAccepted() {
    assertEquals(TagExemptions.HONOUR, Settings.from(Map.of()).tagExemptions());
    assertEquals(TagExemptions.REPORT, Settings.from(Map.of("DRIFTGUARD_TAG_EXEMPTIONS", "report")).tagExemptions());
    assertEquals(TagExemptions.IGNORE, Settings.from(Map.of("DRIFTGUARD_TAG_EXEMPTIONS", " Ignore ")).tagExemptions());
    SettingsException refused = assertThrows(SettingsException.class,
        () -> Settings.from(Map.of("DRIFTGUARD_TAG_EXEMPTIONS", "honor")));
    assertTrue(refused.getMessage().contains("DRIFTGUARD_TAG_EXEMPTIONS: must be honour, report or ignore, not 'honor'"),
        refused.getMessage());
  }

  @Test
  void noTagMayAskForAFixUnlessTheAdministratorOptsControlsIn() {
    assertEquals(TagOptIn.NONE, Settings.from(Map.of()).tagOptIn());
    assertEquals(new TagOptIn(true, Set.of("cors-no-wildcard")),
        Settings.from(Map.of("DRIFTGUARD_TAG_OPT_IN", "safe,cors-no-wildcard")).tagOptIn());
    SettingsException refused = assertThrows(SettingsException.class,
        () -> Settings.from(Map.of("DRIFTGUARD_TAG_OPT_IN", "all")));
    assertTrue(refused.getMessage().contains("DRIFTGUARD_TAG_OPT_IN: must be none, safe, or a comma list of control ids"
        + " (and safe), not 'all' (unknown: all)"), refused.getMessage());
  }

  @Test
  void exemptionsAreGovernedWithANinetyDayHorizonUnlessTheAdministratorSetsAnotherOrTurnsItOff() {
    assertEquals(Optional.of(java.time.Duration.ofDays(90)), Settings.from(Map.of()).exemptionHorizon());
    assertEquals(Optional.of(java.time.Duration.ofDays(30)),
        Settings.from(Map.of("DRIFTGUARD_EXEMPTION_HORIZON", "30d")).exemptionHorizon());
    assertEquals(Optional.empty(), Settings.from(Map.of("DRIFTGUARD_EXEMPTION_HORIZON", " OFF ")).exemptionHorizon());
    assertThrows(SettingsException.class, () -> Settings.from(Map.of("DRIFTGUARD_EXEMPTION_HORIZON", "forever")));
  }

  @Test
  void workflowAppsAreJudgedByDefaultAndExcludeLeavesThemOut() {
    Settings defaults = Settings.from(Map.of());
    assertTrue(defaults.workflowApps());
    assertTrue(defaults.catalog(Clock.systemUTC()).all().stream().filter(control -> !control.id().equals("runtime-supported"))
        .allMatch(control -> control.applicability().notApplicableOn(HostingModel.LOGIC_APPS_STANDARD).isEmpty()));
    Settings excluded = Settings.from(Map.of("DRIFTGUARD_WORKFLOW_APPS", " Exclude "));
    assertFalse(excluded.workflowApps());
    assertTrue(excluded.catalog(Clock.systemUTC()).all().stream().allMatch(control -> control.applicability()
        .notApplicableOn(HostingModel.LOGIC_APPS_STANDARD).isPresent()));
    assertEquals(Optional.of("DRIFTGUARD_WORKFLOW_APPS=exclude leaves Logic Apps Standard workflow apps out"),
        excluded.catalog(Clock.systemUTC()).find("min-tls").orElseThrow().applicability()
            .notApplicableOn(HostingModel.LOGIC_APPS_STANDARD));
    assertEquals(Optional.empty(), excluded.catalog(Clock.systemUTC()).find("min-tls").orElseThrow().applicability()
        .notApplicableOn(HostingModel.FLEX_CONSUMPTION), "other models keep their controls");
    SettingsException refused = assertThrows(SettingsException.class,
        () -> Settings.from(Map.of("DRIFTGUARD_WORKFLOW_APPS", "no")));
    assertTrue(refused.getMessage().contains("DRIFTGUARD_WORKFLOW_APPS: must be include or exclude, not 'no'"),
        refused.getMessage());
  }

  @Test
  void knowsEverySettingName() {
    assertTrue(Settings.names().containsAll(java.util.List.of("DRIFTGUARD_MODE", "DRIFTGUARD_RULE_HTTPS_ONLY",
        "DRIFTGUARD_RULE_FTP_DISABLED", "DRIFTGUARD_RULE_REMOTE_DEBUGGING_OFF", "DRIFTGUARD_RULE_MIN_TLS")));
  }

  @Test
  void readsTheObjectIdFromAToken() {
    String payload = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{\"oid\":\"44444444-4444-4444-4444-444444444444\",\"aud\":\"x\"}".getBytes());
    assertEquals("44444444-4444-4444-4444-444444444444", SelfIdentity.objectIdOf("e30." + payload + ".c2ln"));
    assertThrows(IllegalStateException.class, () -> SelfIdentity.objectIdOf("opaque-token"));
  }
}
