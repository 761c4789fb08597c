package io.driftguard.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.controls.Control;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.controls.FtpsTarget;
import io.driftguard.controls.TlsVersion;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.SiteState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModePolicyTest {

  private final ControlCatalog catalog = ControlCatalog.standard(new TlsVersion(1, 2), FtpsTarget.DISABLED, Clock.systemUTC());
  private final Control minTls = catalog.find("min-tls").orElseThrow();
  private final Control ftp = catalog.find("ftp-disabled").orElseThrow();
  private static final Clock NOON_1_JUNE = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);
  private final ModePolicy policy = policy(TagExemptions.HONOUR);

  private static ModePolicy policy(TagExemptions tagExemptions) {
    return new ModePolicy(Mode.NOTIFY, Map.of("min-tls", Mode.AUTOFIX), tagExemptions, NOON_1_JUNE);
  }

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
    assertTrue(policy.resolve(ftp, siteTagged(governed(Map.of("driftguard-mode", "off")))).exempt());
    assertEquals(Mode.AUTOFIX, policy.resolve(ftp, siteTagged(Map.of("driftguard-mode", "AutoFix"))).mode());
  }

  @Test
  void exemptTagExemptsListedControlsWhateverElseSaysAndSaysSo() {
    SiteState exempt = siteTagged(governed(Map.of("driftguard-exempt", "ftp-disabled, https-only", "driftguard-mode", "autofix")));
    ModeDecision decision = policy.resolve(ftp, exempt);
    assertEquals(new ModeDecision(Mode.OFF, "tag driftguard-exempt=ftp-disabled, https-only, reason 'legacy', "
        + "until 2026-07-01T00:00:00Z", true, Instant.parse("2026-07-01T00:00:00Z")), decision);
    assertTrue(decision.evaluated(), "an exempt control is still evaluated, so its findings are recorded");
    assertEquals(new ModeDecision(Mode.AUTOFIX, "tag driftguard-mode"), policy.resolve(minTls, exempt));
    assertTrue(policy.resolve(minTls, siteTagged(governed(Map.of("driftguard-exempt", "all")))).exempt());
  }

  @Test
  void modeTagOffIsAnExemptionButNotifyAndAutofixAreModeChoices() {
    ModeDecision off = policy.resolve(ftp, siteTagged(governed(Map.of("driftguard-mode", " OFF "))));
    assertEquals(new ModeDecision(Mode.OFF, "tag driftguard-mode= OFF , reason 'legacy', until 2026-07-01T00:00:00Z",
        true, Instant.parse("2026-07-01T00:00:00Z")), off);
    assertFalse(policy.resolve(ftp, siteTagged(Map.of("driftguard-mode", "autofix"))).exempt());
  }

  @Test
  void controlsOffBySettingsStayOffAndUnreadWhateverTheTags() {
    ModePolicy allOff = new ModePolicy(Mode.OFF, Map.of(), TagExemptions.HONOUR, NOON_1_JUNE);
    ModeDecision decision = allOff.resolve(ftp, siteTagged(Map.of("driftguard-exempt", "all")));
    assertEquals(new ModeDecision(Mode.OFF, "DRIFTGUARD_MODE"), decision);
    assertFalse(decision.evaluated());
  }

  @Test
  void aControlOffBySettingsMayStillBeOnForAnAppWhoseModeTagTurnsItOnUnlessTagsAreIgnored() {
    ModePolicy allOff = new ModePolicy(Mode.OFF, Map.of(), TagExemptions.HONOUR, NOON_1_JUNE);
    assertEquals(Mode.NOTIFY, allOff.effective(ftp, siteTagged(Map.of("driftguard-mode", "notify"))).mode());
    assertTrue(allOff.mayBeOnForSomeApp(ftp), "a sweep's pre-filter must still look for it");
    assertFalse(new ModePolicy(Mode.OFF, Map.of(), TagExemptions.IGNORE, NOON_1_JUNE).mayBeOnForSomeApp(ftp));
    assertTrue(new ModePolicy(Mode.NOTIFY, Map.of(), TagExemptions.IGNORE, NOON_1_JUNE).mayBeOnForSomeApp(ftp));
  }

  @Test
  void anExemptionHoldsUntilItsDateAndThenTheNormalModeRunsAndSaysItExpired() {
    Map<String, String> tags = Map.of("driftguard-exempt", "min-tls", "driftguard-exempt-reason", "old clients");
    ModeDecision throughTheDay = policy.resolve(minTls, siteTagged(with(tags, "2026-06-01")));
    assertEquals(new ModeDecision(Mode.OFF,
        "tag driftguard-exempt=min-tls, reason 'old clients', until 2026-06-02T00:00:00Z", true,
        Instant.parse("2026-06-02T00:00:00Z")), throughTheDay);
    assertTrue(policy.resolve(minTls, siteTagged(with(tags, "2026-06-01T12:00:01Z"))).exempt());
    assertEquals(new ModeDecision(Mode.AUTOFIX, "DRIFTGUARD_RULE_MIN_TLS (tag driftguard-exempt=min-tls, reason 'old clients': "
        + "expired at 2026-06-01T12:00:00Z)"), policy.resolve(minTls, siteTagged(with(tags, "2026-06-01T12:00:00"))));
    assertEquals(Mode.AUTOFIX, policy.resolve(minTls, siteTagged(with(tags, "2026-05-31"))).mode());
    assertEquals(Mode.AUTOFIX, policy.resolve(minTls, siteTagged(with(tags, "2026-06-01T13:00:00+02:00"))).mode(),
        "an offset is honoured: 13:00+02:00 is 11:00 UTC, an hour ago");
  }

  @Test
  void anUnreadableExpiryVoidsTheExemptionInsteadOfExtendingIt() {
    ModeDecision decision = policy.resolve(ftp, siteTagged(Map.of("driftguard-mode", "off", "driftguard-exempt-until", "31/12/2099")));
    assertEquals(new ModeDecision(Mode.NOTIFY, "DRIFTGUARD_MODE (tag driftguard-mode=off, no reason given: void, "
        + "driftguard-exempt-until '31/12/2099' is not an ISO date or date-time with a four-digit year)"), decision);
  }

  @Test
  void anExpiryNoClockReachesOrThatIsNoDayVoidsTheExemptionInsteadOfThrowing() {
    for (String until : List.of("+999999999-12-31", "999999999-12-31", "+10000-01-01", "-999999999-01-01",
        "2026-02-30", "2026-06-30T25:00", "2026-06-30T12:00+19:00", "2026-06-30T12:00:00.0000000001Z", "20260630",
        "2026-06-30T12:00:00Z[Europe/Paris]", "9".repeat(5_000))) {
      ModeDecision decision = policy.resolve(ftp, siteTagged(Map.of("driftguard-exempt", "all",
          "driftguard-exempt-reason", "legacy", "driftguard-exempt-until", until)));
      assertEquals(Mode.NOTIFY, decision.mode(), until);
      assertFalse(decision.exempt(), until);
      assertTrue(decision.source().contains(": void, driftguard-exempt-until '"), decision.source());
    }
    assertTrue(policy.resolve(ftp, siteTagged(Map.of("driftguard-exempt", "all", "driftguard-exempt-until",
        "9999-12-31"))).source().contains("until +10000-01-01T00:00:00Z"), "the last day a four-digit year names");
  }

  @Test
  void anExemptionWithoutReasonOrExpiryStopsFixesButIsReportedAsNotifyAndSaysWhatItLacks() {
    ModeDecision ungoverned = policy.effective(minTls, siteTagged(Map.of("driftguard-exempt", "min-tls")));
    assertEquals(new ModeDecision(Mode.NOTIFY, "tag driftguard-exempt=min-tls, no reason given, written by whoever the "
        + "audit trail names (no write at hand: see 'driftguard history'), no expiry (no "
        + "driftguard-exempt-until tag): not a governed exemption, it lacks a reason (driftguard-exempt-reason) and an "
        + "expiry (driftguard-exempt-until); reported in notify mode, never fixed"), ungoverned);
    assertTrue(ungoverned.evaluated());
    ModeDecision noReason = policy.effective(minTls, siteTagged(Map.of("driftguard-mode", "off",
        "driftguard-exempt-until", "2026-06-30", "driftguard-autofix", "min-tls")));
    assertEquals(Mode.NOTIFY, noReason.mode(), "the owner asked not to be written: no tag turns that into a fix");
    assertTrue(noReason.source().endsWith("it lacks a reason (driftguard-exempt-reason); reported in notify mode, never fixed"),
        noReason.source());
  }

  @Test
  void anExemptionWhoseExpiryLiesBeyondTheHorizonDoesNotSilence() {
    Map<String, String> tags = Map.of("driftguard-exempt", "min-tls", "driftguard-exempt-reason", "old clients");
    ModeDecision tooFar = policy.effective(minTls, siteTagged(with(tags, "2026-12-31")));
    assertEquals(Mode.NOTIFY, tooFar.mode());
    assertTrue(tooFar.source().contains("it lacks an expiry within 90 days (driftguard-exempt-until at most "
        + "2026-08-30T12:00:00Z)"), tooFar.source());
    assertTrue(policy.effective(minTls, siteTagged(with(tags, "2026-08-29"))).exempt());
  }

  @Test
  void anAdministratorSetsTheHorizonOrTurnsTheRequirementOff() {
    ModePolicy yearLong = new ModePolicy(Mode.NOTIFY, Map.of(), TagExemptions.HONOUR, TagOptIn.NONE,
        Optional.of(Duration.ofDays(365)), Optional.empty(), NOON_1_JUNE);
    assertTrue(yearLong.effective(ftp, siteTagged(Map.of("driftguard-exempt", "all", "driftguard-exempt-reason", "x",
        "driftguard-exempt-until", "2026-12-31"))).exempt());
    ModeDecision ungoverned = new ModePolicy(Mode.NOTIFY, Map.of(), TagExemptions.HONOUR, TagOptIn.NONE, Optional.empty(),
        Optional.empty(), NOON_1_JUNE)
        .resolve(ftp, siteTagged(Map.of("driftguard-mode", "off")));
    assertEquals(new ModeDecision(Mode.OFF, "tag driftguard-mode=off, no reason given, no expiry (no "
        + "driftguard-exempt-until tag)", true), ungoverned);
  }

  @Test
  void anExemptionNamesWhoWroteTheTags() {
    ModeDecision decision = policy.effective(ftp, siteTagged(Map.of("driftguard-exempt", "all",
        "driftguard-exempt-reason", "legacy", "driftguard-exempt-until", "2026-07-01")), "alice@contoso.com");
    assertEquals(new ModeDecision(Mode.OFF, "tag driftguard-exempt=all, reason 'legacy', written by alice@contoso.com, "
        + "until 2026-07-02T00:00:00Z", true, Instant.parse("2026-07-02T00:00:00Z")), decision);
  }

  @Test
  void tagTextReachesAlertsWithoutControlCharacters() {
    ModeDecision decision = policy.resolve(ftp, siteTagged(with(Map.of("driftguard-exempt", "ftp-disabled,\u001b[2J",
        "driftguard-exempt-reason", "a\nb"), "2026-06-30")));
    assertEquals("tag driftguard-exempt=ftp-disabled,?, reason 'a?b', until 2026-07-01T00:00:00Z", decision.source());
  }

  @Test
  void reportNamesTheExemptionButRunsTheNormalMode() {
    ModeDecision decision = policy(TagExemptions.REPORT).resolve(minTls, siteTagged(Map.of("driftguard-exempt", "all")));
    assertEquals(new ModeDecision(Mode.AUTOFIX, "DRIFTGUARD_RULE_MIN_TLS (tag driftguard-exempt=all, no reason given: "
        + "not honoured, DRIFTGUARD_TAG_EXEMPTIONS=report)"), decision);
    assertEquals(new ModeDecision(Mode.NOTIFY, "tag driftguard-mode"),
        policy(TagExemptions.REPORT).resolve(minTls, siteTagged(Map.of("driftguard-mode", "notify"))));
  }

  @Test
  void ignoreDisregardsEveryDriftguardTag() {
    ModePolicy ignoring = policy(TagExemptions.IGNORE);
    assertEquals(new ModeDecision(Mode.AUTOFIX, "DRIFTGUARD_RULE_MIN_TLS"),
        ignoring.resolve(minTls, siteTagged(Map.of("driftguard-exempt", "all", "driftguard-mode", "off"))));
    assertEquals(new ModeDecision(Mode.NOTIFY, "DRIFTGUARD_MODE"),
        ignoring.resolve(ftp, siteTagged(Map.of("driftguard-mode", "autofix"))));
  }

  @Test
  void tagExemptionsParseStrictly() {
    assertEquals(TagExemptions.REPORT, TagExemptions.parse(" Report "));
    assertThrows(IllegalArgumentException.class, () -> TagExemptions.parse("honor"));
  }

  /** The tags with a reason and an expiry within the horizon: a governed exemption. */
  private static Map<String, String> governed(Map<String, String> tags) {
    Map<String, String> all = new HashMap<>(with(tags, "2026-06-30"));
    all.put("driftguard-exempt-reason", "legacy");
    return all;
  }

  private static Map<String, String> with(Map<String, String> tags, String until) {
    Map<String, String> all = new HashMap<>(tags);
    all.put("driftguard-exempt-until", until);
    return all;
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
    ModePolicy globalAutofix = new ModePolicy(Mode.AUTOFIX, Map.of(), TagExemptions.HONOUR, NOON_1_JUNE);
    ModeDecision capped = globalAutofix.effective(cors, siteTagged(Map.of()));
    assertEquals(Mode.NOTIFY, capped.mode());
    assertTrue(capped.source().startsWith("guarded: notify unless DRIFTGUARD_RULE_CORS_NO_WILDCARD=autofix"), capped.source());
    assertEquals(Mode.NOTIFY, globalAutofix.effective(cors, siteTagged(Map.of("driftguard-mode", "autofix"))).mode());
    assertEquals(new ModeDecision(Mode.AUTOFIX, "DRIFTGUARD_RULE_CORS_NO_WILDCARD"),
        new ModePolicy(Mode.NOTIFY, Map.of("cors-no-wildcard", Mode.AUTOFIX), TagExemptions.HONOUR, NOON_1_JUNE)
            .effective(cors, siteTagged(Map.of())));
    assertEquals(new ModeDecision(Mode.AUTOFIX, "tag driftguard-autofix"),
        optingIn(new TagOptIn(false, Set.of("cors-no-wildcard")))
            .effective(cors, siteTagged(Map.of("driftguard-autofix", "cors-no-wildcard"))));
    assertEquals(Mode.OFF, policy.effective(cors,
        siteTagged(governed(Map.of("driftguard-autofix", "cors-no-wildcard", "driftguard-exempt", "cors-no-wildcard")))).mode());
    assertEquals(Mode.AUTOFIX, globalAutofix.effective(ftp, siteTagged(Map.of())).mode(), "safe controls follow the mode");
  }

  @Test
  void aTagMayLowerAModeButNeverRaiseItOnItsOwnAndSaysWhatItAskedFor() {
    ModeDecision asked = policy.effective(ftp, siteTagged(Map.of("driftguard-autofix", "all")));
    assertEquals(new ModeDecision(Mode.NOTIFY, "a tag asked for more than it got: autofix (tag driftguard-autofix), granted "
        + "notify: DRIFTGUARD_TAG_OPT_IN=none lets no tag turn on the fix of ftp-disabled (settings alone: notify, "
        + "DRIFTGUARD_MODE)"), asked);
    assertEquals(Mode.NOTIFY, policy.effective(ftp, siteTagged(Map.of("driftguard-mode", "autofix"))).mode());
    Control cors = catalog.find("cors-no-wildcard").orElseThrow();
    assertEquals(Mode.NOTIFY, policy.effective(cors, siteTagged(Map.of("driftguard-autofix", "cors-no-wildcard"))).mode());
    Control publicNetwork = catalog.find("public-network-off").orElseThrow();
    ModeDecision optedIn = policy.effective(publicNetwork, siteTagged(Map.of("driftguard-autofix", "all")));
    assertEquals(Mode.NOTIFY, optedIn.mode(), "an opt-in control a tag turns on is reported, not fixed");
    assertEquals(new ModeDecision(Mode.AUTOFIX, "tag driftguard-autofix"),
        policy.effective(minTls, siteTagged(Map.of("driftguard-autofix", "min-tls"))), "settings fix it anyway");
    assertEquals(new ModeDecision(Mode.NOTIFY, "tag driftguard-mode"),
        policy.effective(minTls, siteTagged(Map.of("driftguard-mode", "notify"))), "lowering needs no permission");
  }

  @Test
  void anAdministratorLetsTagsAskForFixesOfTheSafeControlsOrOfListedOnes() {
    Control cors = catalog.find("cors-no-wildcard").orElseThrow();
    Control runtime = catalog.find("runtime-supported").orElseThrow();
    ModePolicy safe = optingIn(TagOptIn.parse("safe", Set.copyOf(ControlCatalog.ids())));
    assertEquals(new ModeDecision(Mode.AUTOFIX, "tag driftguard-mode"),
        safe.effective(ftp, siteTagged(Map.of("driftguard-mode", "autofix"))));
    assertEquals(Mode.NOTIFY, safe.effective(cors, siteTagged(Map.of("driftguard-autofix", "all"))).mode());
    ModePolicy listed = optingIn(TagOptIn.parse(" cors-no-wildcard ", Set.copyOf(ControlCatalog.ids())));
    assertEquals(new ModeDecision(Mode.AUTOFIX, "tag driftguard-autofix"),
        listed.effective(cors, siteTagged(Map.of("driftguard-autofix", "cors-no-wildcard"))));
    assertEquals(Mode.NOTIFY, listed.effective(ftp, siteTagged(Map.of("driftguard-autofix", "all"))).mode());
    assertEquals(Mode.NOTIFY, optingIn(new TagOptIn(true, Set.of("runtime-supported")))
        .effective(runtime, siteTagged(Map.of("driftguard-autofix", "all"))).mode(), "report-only: no fix exists");
  }

  @Test
  void theMostATagCanGetIsShownPerControl() {
    Control cors = catalog.find("cors-no-wildcard").orElseThrow();
    assertEquals(new ModeDecision(Mode.NOTIFY, "a tag asking for autofix gets notify: DRIFTGUARD_TAG_OPT_IN=none"),
        policy.mostATagCanGet(ftp));
    assertEquals(Mode.AUTOFIX, policy.mostATagCanGet(minTls).mode(), "DRIFTGUARD_RULE_MIN_TLS=autofix");
    assertEquals(new ModeDecision(Mode.AUTOFIX, "DRIFTGUARD_TAG_OPT_IN=safe,cors-no-wildcard"),
        optingIn(new TagOptIn(true, Set.of("cors-no-wildcard"))).mostATagCanGet(cors));
    assertEquals(Mode.NOTIFY, policy.mostATagCanGet(catalog.find("runtime-supported").orElseThrow()).mode());
  }

  @Test
  void tagOptInParsesStrictly() {
    Set<String> ids = Set.copyOf(ControlCatalog.ids());
    assertEquals(TagOptIn.NONE, TagOptIn.parse("None", ids));
    assertEquals(new TagOptIn(true, Set.of("cors-no-wildcard")), TagOptIn.parse("safe, CORS-no-wildcard", ids));
    assertThrows(IllegalArgumentException.class, () -> TagOptIn.parse("all", ids));
    assertThrows(IllegalArgumentException.class, () -> TagOptIn.parse("cors", ids));
    assertThrows(IllegalArgumentException.class, () -> TagOptIn.parse(" , ", ids));
  }

  private static ModePolicy optingIn(TagOptIn optIn) {
    return new ModePolicy(Mode.NOTIFY, Map.of("min-tls", Mode.AUTOFIX), TagExemptions.HONOUR, optIn,
        Optional.of(ModePolicy.DEFAULT_EXEMPTION_HORIZON), Optional.empty(), NOON_1_JUNE);
  }

  @Test
  void driftguardsOwnAppAndItsSlotsAreReportedNeverFixedWhateverTheirNameCasing() {
    SiteRef own = SiteRef.site("00000000-0000-0000-0000-000000000001", "rg-driftguard", "func-driftguard");
    ModePolicy guarding = new ModePolicy(Mode.AUTOFIX, Map.of(), TagExemptions.HONOUR, TagOptIn.NONE,
        Optional.of(ModePolicy.DEFAULT_EXEMPTION_HORIZON), Optional.of(own), NOON_1_JUNE);
    for (SiteRef target : List.of(own, own.withSlot("staging"),
        SiteRef.site("00000000-0000-0000-0000-000000000001", "RG-DriftGuard", "Func-DriftGuard"))) {
      ModeDecision decision = guarding.effective(ftp, new SiteState(target, "functionapp", Map.of(), Map.of()));
      assertEquals(new ModeDecision(Mode.NOTIFY, "DRIFTGUARD_MODE, but driftguard's own function app is judged and "
          + "reported, never written (a fix could cut its own event delivery)"), decision, target.id());
    }
    assertEquals(Mode.AUTOFIX, guarding.effective(ftp, siteTagged(Map.of())).mode(), "another app");
    assertTrue(guarding.effective(ftp, new SiteState(own, "functionapp", governed(Map.of("driftguard-exempt", "all")),
        Map.of())).exempt(), "an exemption there holds as anywhere");
  }

  @Test
  void reportOnlyControlsNeverFix() {
    Control runtime = catalog.find("runtime-supported").orElseThrow();
    ModeDecision decision = new ModePolicy(Mode.AUTOFIX, Map.of(), TagExemptions.HONOUR, NOON_1_JUNE)
        .effective(runtime, siteTagged(Map.of("driftguard-autofix", "all")));
    assertEquals(Mode.NOTIFY, decision.mode());
    assertTrue(decision.source().startsWith("report-only"), decision.source());
  }

  @Test
  void optInControlsAreOffUntilASettingOrTagTurnsThemOn() {
    Control http2 = catalog.find("http2-enabled").orElseThrow();
    ModePolicy globalAutofix = new ModePolicy(Mode.AUTOFIX, Map.of(), TagExemptions.HONOUR, NOON_1_JUNE);
    assertEquals(Mode.OFF, globalAutofix.effective(http2, siteTagged(Map.of())).mode());
    assertEquals(Mode.OFF, globalAutofix.effectiveConfigured(http2).mode());
    ModeDecision enabledByTag = globalAutofix.effective(http2, siteTagged(Map.of("driftguard-enable", "http2-enabled")));
    assertEquals(Mode.NOTIFY, enabledByTag.mode(), "turned on by a tag for reporting: " + enabledByTag.source());
    assertEquals(new ModeDecision(Mode.NOTIFY, "DRIFTGUARD_RULE_HTTP2_ENABLED"),
        new ModePolicy(Mode.AUTOFIX, Map.of("http2-enabled", Mode.NOTIFY), TagExemptions.HONOUR, NOON_1_JUNE).effectiveConfigured(http2));
    assertEquals(Mode.NOTIFY, policy.effective(http2, siteTagged(Map.of("driftguard-autofix", "http2-enabled"))).mode());
    assertEquals(Mode.AUTOFIX, optingIn(new TagOptIn(true, Set.of())).effective(http2,
        siteTagged(Map.of("driftguard-autofix", "http2-enabled"))).mode(), "a safe control, tags opted in");
  }

  @Test
  void anOptInControlNobodyTurnedOnIsNotEvenEvaluatedAsExemptAndIgnoredTagsTurnNothingOn() {
    Control http2 = catalog.find("http2-enabled").orElseThrow();
    ModeDecision exemptButOff = policy.effective(http2, siteTagged(Map.of("driftguard-exempt", "all")));
    assertEquals(Mode.OFF, exemptButOff.mode());
    assertFalse(exemptButOff.evaluated(), "costs no read");
    SiteState tagged = siteTagged(Map.of("driftguard-enable", "http2-enabled", "driftguard-autofix", "cors-no-wildcard"));
    assertEquals(Mode.OFF, policy(TagExemptions.IGNORE).effective(http2, tagged).mode());
    assertEquals(Mode.NOTIFY, policy(TagExemptions.IGNORE).effective(catalog.find("cors-no-wildcard").orElseThrow(), tagged)
        .mode());
  }

  @Test
  void anUnreadableTagIsQuotedPrintableAndShort() {
    ModeDecision decision = policy.resolve(minTls, siteTagged(Map.of("driftguard-mode", "\u001b[2J" + "x".repeat(3_000))));
    assertEquals("tag driftguard-mode is unreadable ('?" + "x".repeat(199) + "... (3001 characters)'), so notify",
        decision.source());
  }

  @Test
  void modesParseStrictly() {
    assertEquals(Mode.AUTOFIX, Mode.parse(" AUTOFIX "));
    assertThrows(IllegalArgumentException.class, () -> Mode.parse("auto"));
    assertEquals("DRIFTGUARD_RULE_REMOTE_DEBUGGING_OFF", ModePolicy.settingName("remote-debugging-off"));
  }
}
