package io.driftguard.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.controls.Control;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.controls.FtpsTarget;
import io.driftguard.controls.TlsVersion;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.SiteState;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModePolicyTest {

  private final ControlCatalog catalog = ControlCatalog.standard(new TlsVersion(1, 2), FtpsTarget.DISABLED);
  private final Control minTls = catalog.find("min-tls").orElseThrow();
  private final Control ftp = catalog.find("ftp-disabled").orElseThrow();
  private final ModePolicy policy = new ModePolicy(Mode.NOTIFY, Map.of("min-tls", Mode.AUTOFIX));

  private static SiteState siteTagged(Map<String, String> tags) {
    return new SiteState(SiteRef.site("00000000-0000-0000-0000-000000000001", "rg", "app"), "functionapp", tags, Map.of());
  }

  @Test
  void perControlSettingOverridesTheGlobalMode() {
    assertEquals(new ModeDecision(Mode.AUTOFIX, "DRIFTGUARD_RULE_MIN_TLS"), policy.resolve(minTls, siteTagged(Map.of())));
    assertEquals(new ModeDecision(Mode.NOTIFY, "DRIFTGUARD_MODE"), policy.resolve(ftp, siteTagged(Map.of())));
  }

  @Test
  void appTagOverridesSettingsAndTagNamesAreCaseInsensitive() {
    SiteState optedOut = siteTagged(Map.of("DriftGuard-Mode", "notify"));
    assertEquals(Mode.NOTIFY, policy.resolve(minTls, optedOut).mode());
    assertEquals(Mode.OFF, policy.resolve(ftp, siteTagged(Map.of("driftguard-mode", "off"))).mode());
    assertEquals(Mode.AUTOFIX, policy.resolve(ftp, siteTagged(Map.of("driftguard-mode", "AutoFix"))).mode());
  }

  @Test
  void exemptTagTurnsListedControlsOffWhateverElseSays() {
    SiteState exempt = siteTagged(Map.of("driftguard-exempt", "ftp-disabled, https-only", "driftguard-mode", "autofix"));
    assertEquals(new ModeDecision(Mode.OFF, "tag driftguard-exempt"), policy.resolve(ftp, exempt));
    assertEquals(Mode.AUTOFIX, policy.resolve(minTls, exempt).mode());
    assertEquals(Mode.OFF, policy.resolve(minTls, siteTagged(Map.of("driftguard-exempt", "all"))).mode());
  }

  @Test
  void anUnreadableTagMeansNotifyNeverAWrite() {
    ModeDecision decision = policy.resolve(minTls, siteTagged(Map.of("driftguard-mode", "of")));
    assertEquals(Mode.NOTIFY, decision.mode());
    assertEquals("tag driftguard-mode is unreadable ('of'), so notify", decision.source());
  }

  @Test
  void guardedControlsAtMostNotifyUnlessTheirOwnSettingOrATagAsksForTheFix() {
    Control cors = catalog.find("cors-no-wildcard").orElseThrow();
    ModePolicy globalAutofix = new ModePolicy(Mode.AUTOFIX, Map.of());
    ModeDecision capped = globalAutofix.effective(cors, siteTagged(Map.of()));
    assertEquals(Mode.NOTIFY, capped.mode());
    assertTrue(capped.source().startsWith("guarded: notify unless DRIFTGUARD_RULE_CORS_NO_WILDCARD=autofix"), capped.source());
    assertEquals(Mode.NOTIFY, globalAutofix.effective(cors, siteTagged(Map.of("driftguard-mode", "autofix"))).mode());
    assertEquals(new ModeDecision(Mode.AUTOFIX, "DRIFTGUARD_RULE_CORS_NO_WILDCARD"),
        new ModePolicy(Mode.NOTIFY, Map.of("cors-no-wildcard", Mode.AUTOFIX)).effective(cors, siteTagged(Map.of())));
    assertEquals(new ModeDecision(Mode.AUTOFIX, "tag driftguard-autofix"),
        policy.effective(cors, siteTagged(Map.of("driftguard-autofix", "cors-no-wildcard"))));
    assertEquals(Mode.OFF, policy.effective(cors,
        siteTagged(Map.of("driftguard-autofix", "cors-no-wildcard", "driftguard-exempt", "cors-no-wildcard"))).mode());
    assertEquals(Mode.AUTOFIX, globalAutofix.effective(ftp, siteTagged(Map.of())).mode(), "safe controls follow the mode");
  }

  @Test
  void reportOnlyControlsNeverFix() {
    Control runtime = catalog.find("runtime-supported").orElseThrow();
    ModeDecision decision = new ModePolicy(Mode.AUTOFIX, Map.of()).effective(runtime, siteTagged(Map.of("driftguard-autofix", "all")));
    assertEquals(Mode.NOTIFY, decision.mode());
    assertTrue(decision.source().startsWith("report-only"), decision.source());
  }

  @Test
  void optInControlsAreOffUntilASettingOrTagTurnsThemOn() {
    Control http2 = catalog.find("http2-enabled").orElseThrow();
    ModePolicy globalAutofix = new ModePolicy(Mode.AUTOFIX, Map.of());
    assertEquals(Mode.OFF, globalAutofix.effective(http2, siteTagged(Map.of())).mode());
    assertEquals(Mode.OFF, globalAutofix.effectiveConfigured(http2).mode());
    assertEquals(new ModeDecision(Mode.AUTOFIX, "DRIFTGUARD_MODE"),
        globalAutofix.effective(http2, siteTagged(Map.of("driftguard-enable", "http2-enabled"))));
    assertEquals(new ModeDecision(Mode.NOTIFY, "DRIFTGUARD_RULE_HTTP2_ENABLED"),
        new ModePolicy(Mode.AUTOFIX, Map.of("http2-enabled", Mode.NOTIFY)).effectiveConfigured(http2));
    assertEquals(Mode.AUTOFIX, policy.effective(http2, siteTagged(Map.of("driftguard-autofix", "http2-enabled"))).mode());
  }

  @Test
  void modesParseStrictly() {
    assertEquals(Mode.AUTOFIX, Mode.parse(" AUTOFIX "));
    assertThrows(IllegalArgumentException.class, () -> Mode.parse("auto"));
    assertEquals("DRIFTGUARD_RULE_REMOTE_DEBUGGING_OFF", ModePolicy.settingName("remote-debugging-off"));
  }
}
