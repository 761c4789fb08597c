package io.driftguard.it;

import static io.driftguard.it.LocalAzure.arm;
import static io.driftguard.it.LocalAzure.botRequests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.TableEntity;
import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.engine.Action;
import io.driftguard.engine.Decision;
import io.driftguard.documents.Documents;
import io.driftguard.engine.Outcome;
import io.driftguard.policy.ModePolicy;
import io.driftguard.sandbox.FakeArm;
import io.driftguard.sandbox.Fault;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.SiteHandle;
import io.driftguard.sweep.SweepListener;
import io.driftguard.sweep.SweepRequest;
import io.driftguard.sweep.SweepSummary;
import io.driftguard.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sweeps through the Resource Graph pre-filter against the sandbox's Resource Graph, with the real SDK pipeline: the
 * same findings as an ARM-only sweep for a fraction of the reads, every candidate confirmed by a fresh ARM read (a
 * lagging index neither fixes a compliant app nor, once it catches up, hides a drifted one), the fallback to ARM
 * listing when the identity may not use Resource Graph, and its quota kept on a clock the test moves.
 */
class ResourceGraphSweepIT {

  private static final Map<String, Object> DRIFTED_FTP = Map.of("ftpsState", "AllAllowed");
  /** A language version inside its support until 2029 (runtime-support.json), as a compliant Linux app shows it. */
  private static final String SUPPORTED_RUNTIME = "Python|3.13";

  /** What the catalog's fixes write to config/web, and a supported language version (no fix writes one). */
  private static Map<String, Object> compliantConfig() {
    Map<String, Object> config = new HashMap<>(LocalAzure.compliantConfig());
    config.put("linuxFxVersion", SUPPORTED_RUNTIME);
    return config;
  }

  @AfterEach
  void resetResourceGraph() {
    arm().resourceGraph().reset();
  }

  private static Driftguard driftguard(String subscription, String mode, String source, Clock clock) {
    return driftguard(subscription, mode, source, clock, graphJudgedProfile());
  }

  private static Map<String, String> graphJudgedProfile() {
    Map<String, String> settings = new HashMap<>();
    // A control Resource Graph cannot judge makes every app a candidate (ResourceGraphQueryTest): these tests run the
    // profile the pre-filter serves best, every enabled control judged by the index, and no app tag able to turn on
    // another; defaultProfile runs the catalog's defaults.
    LocalAzure.CATALOG.all().stream().filter(control -> control.graphPredicate().isEmpty())
        .forEach(control -> settings.put(ModePolicy.settingName(control.id()), "off"));
    settings.put("DRIFTGUARD_TAG_EXEMPTIONS", "ignore");
    return settings;
  }

  /** Driftguard with the catalog's default profile: every default control on, app tags honoured. */
  private static Driftguard defaultProfile(String subscription, String source) {
    return driftguard(subscription, "notify", source, Clock.systemUTC(), Map.of());
  }

  private static Driftguard driftguard(String subscription, String mode, String source, Clock clock,
                                       Map<String, String> profile) {
    return driftguard(subscription, mode, source, clock, Ticker.SYSTEM, profile);
  }

  private static Driftguard driftguard(String subscription, String mode, String source, Clock clock, Ticker ticker,
                                       Map<String, String> profile) {
    Map<String, String> settings = new HashMap<>(LocalAzure.recordingSettings());
    settings.putAll(profile);
    settings.put("DRIFTGUARD_MODE", mode);
    settings.put("DRIFTGUARD_SUBSCRIPTIONS", subscription);
    settings.put("DRIFTGUARD_SWEEP_SOURCE", source);
    settings.put("DRIFTGUARD_ARM_ENDPOINT", LocalAzure.sandbox().armEndpoint().toString());
    settings.put(Settings.IDENTITY_ENDPOINT, System.getenv(Settings.IDENTITY_ENDPOINT));
    settings.put(Settings.IDENTITY_HEADER, System.getenv(Settings.IDENTITY_HEADER));
    return Driftguard.builder(Settings.from(settings), clock, ticker)
        .trust(LocalAzure.sandbox().trustManager());
  }

  private record Swept(SweepSummary summary, List<Decision> decisions, List<RecordedRequest> requests) {
    Set<String> with(Outcome outcome) {
      return decisions.stream().filter(d -> d.outcome() == outcome).map(Decision::resource)
          .collect(Collectors.toCollection(TreeSet::new));
    }

    long count(Predicate<RecordedRequest> which) {
      return requests.stream().filter(which).count();
    }

    /** The outcome of each app not judged compliant, keyed by its id with {@code subscription} in place of its own. */
    Map<String, Outcome> actedOn(String subscription) {
      return decisions.stream().filter(d -> d.outcome() != Outcome.COMPLIANT).collect(Collectors.toMap(
          d -> inSubscription(d.resource(), subscription), Decision::outcome, (first, second) -> second, TreeMap::new));
    }

    /** Each app's writes (method, path and body), keyed as {@link #actedOn}. */
    Map<String, List<String>> writesOn(String subscription) {
      Map<String, List<String>> writes = new TreeMap<>();
      requests.stream().filter(request -> !request.method().equals("GET") && !graphQuery(request)).forEach(request ->
          writes.computeIfAbsent(inSubscription(appOf(request.path()), subscription), app -> new ArrayList<>())
              .add(request.method() + " " + inSubscription(request.path(), subscription) + " " + request.body()));
      writes.values().forEach(Collections::sort);
      return writes;
    }

    private static String inSubscription(String id, String subscription) {
      return id.replaceFirst("(?i)^/subscriptions/[^/]+/", "/subscriptions/" + subscription + "/");
    }

    private static String appOf(String path) {
      return path.replaceFirst("(?i)(/sites/[^/]+(/slots/[^/]+)?)/.*$", "$1");
    }
  }

  private static Swept sweep(Driftguard driftguard, String subscription) {
    return sweep(driftguard, subscription, false);
  }

  private static Swept sweep(Driftguard driftguard, String subscription, boolean dryRun) {
    return sweep(driftguard, SweepRequest.oneOff(List.of(subscription), dryRun, Duration.ofMinutes(2)));
  }

  private static Swept sweep(Driftguard driftguard, SweepRequest request) {
    int before = botRequests().size();
    List<Decision> decisions = new CopyOnWriteArrayList<>();
    SweepSummary summary = driftguard.buildAll().sweeper().run(request, LocalAzure.collectingInto(decisions));
    List<RecordedRequest> requests = botRequests().subList(before, botRequests().size());
    return new Swept(summary, decisions, List.copyOf(requests));
  }

  private static boolean graphQuery(RecordedRequest request) {
    return FakeArm.isResourceGraphQuery(request);
  }

  private static boolean siteRead(RecordedRequest request) {
    return request.method().equals("GET") && request.path().matches("(?i).*/sites/[^/]+(/slots/[^/]+)?");
  }

  private static boolean configRead(RecordedRequest request) {
    return request.method().equals("GET") && request.path().endsWith("/config/web");
  }

  private static boolean policyList(RecordedRequest request) {
    return request.method().equals("GET") && request.path().endsWith("/basicPublishingCredentialsPolicies");
  }

  private static boolean listing(RecordedRequest request) {
    return request.path().toLowerCase().endsWith("/providers/microsoft.web/sites") || request.path().endsWith("/slots");
  }

  /** 200 function apps, one in ten drifted on a different control each, a drifted slot, and web apps it passes over. */
  private static Set<String> seedEstate(String subscription) {
    Set<String> drifted = new TreeSet<>();
    List<Map<String, Object>> drifts = List.of(DRIFTED_FTP, Map.of("minTlsVersion", "1.0"),
        Map.of("remoteDebuggingEnabled", true));
    for (int i = 0; i < 200; i++) {
      boolean drift = i % 10 == 0;
      Map<String, Object> config = compliantConfig();
      if (drift && i % 40 != 0) {
        config.putAll(drifts.get(i / 10 % 3));
      }
      SiteHandle app = arm().seedSite(subscription, "rg-graph-" + (i % 3), String.format("func-%03d", i),
          "functionapp,linux", Map.of(), !(drift && i % 40 == 0), config);
      if (drift) {
        drifted.add(app.id());
      }
      if (i == 7) {
        drifted.add(arm().seedSlot(subscription, "rg-graph-" + (i % 3), app.site(), "staging", true, DRIFTED_FTP).id());
      }
    }
    for (int i = 0; i < 10; i++) {
      arm().seedSite(subscription, "rg-web", String.format("web-%02d", i), "app", Map.of(), false, DRIFTED_FTP);
    }
    return drifted;
  }

  @Test
  void aSweepThroughResourceGraphFindsExactlyWhatTheArmSweepFindsReadingOnlyTheCandidates() {
    String subscription = "00000000-0000-0000-0000-00000000a7a1";
    Set<String> drifted = seedEstate(subscription);

    Swept viaArm = sweep(driftguard(subscription, "notify", "arm", Clock.systemUTC()), subscription);
    Swept viaGraph = sweep(driftguard(subscription, "notify", "resourcegraph", Clock.systemUTC()), subscription);

    assertEquals(drifted, viaArm.with(Outcome.ALERTED), "the ARM-only sweep finds the seeded drift");
    assertEquals(viaArm.with(Outcome.ALERTED), viaGraph.with(Outcome.ALERTED), "the same findings");
    assertTrue(viaGraph.summary().complete() && viaGraph.summary().problems().isEmpty(), viaGraph.summary().toString());
    assertEquals(1, viaGraph.count(ResourceGraphSweepIT::graphQuery), "one query page");
    assertEquals(0, viaGraph.count(ResourceGraphSweepIT::listing), "no site list, no slot list");
    assertEquals(drifted.size(), viaGraph.count(ResourceGraphSweepIT::siteRead), "each candidate's site read afresh");
    assertEquals(drifted.size(), viaGraph.count(ResourceGraphSweepIT::configRead), "and its config/web");
    assertEquals(1 + 2L * drifted.size(), viaGraph.requests().size(), "nothing else");
    long armReads = viaArm.requests().size();
    // Two reads an app (slot list, config/web) against two a candidate (site, config/web): at 10% drift, 9x fewer.
    assertTrue(armReads >= 9 * viaGraph.requests().size(), armReads + " vs " + viaGraph.requests().size());
    System.out.printf("200 apps, %d drifted: ARM-only %d requests (%d list pages and slot lists, %d config reads); "
            + "Resource Graph %d requests (1 query, %d site reads, %d config reads)%n", drifted.size(), armReads,
        viaArm.count(ResourceGraphSweepIT::listing), viaArm.count(ResourceGraphSweepIT::configRead),
        viaGraph.requests().size(), viaGraph.count(ResourceGraphSweepIT::siteRead),
        viaGraph.count(ResourceGraphSweepIT::configRead));
  }

  /**
   * With the catalog's default profile (basic-auth policies Resource Graph does not index, CORS, runtime support, app
   * tags honoured): apps the index flags are confirmed at once; every other app has only its two publishing policies
   * read, in one list call, and is confirmed only when they show drift. Same findings as the ARM-only sweep.
   */
  @Test
  void withTheDefaultProfileOnlyThePublishingPoliciesOfUnflaggedAppsAreReadAndTheFindingsAreTheSame() throws Exception {
    String subscription = "00000000-0000-0000-0000-00000000a7a6";
    List<Map<String, Object>> indexedDrifts = List.of(DRIFTED_FTP, Map.of("minTlsVersion", "1.0"),
        Map.of("remoteDebuggingEnabled", true), Map.of("cors", Map.of("allowedOrigins", List.of("*"))),
        Map.of("linuxFxVersion", "Python|3.8"));
    Set<String> flagged = new TreeSet<>();
    Set<String> policyDrifted = new TreeSet<>();
    int apps = 100;
    for (int i = 0; i < apps; i++) {
      Map<String, Object> config = compliantConfig();
      boolean indexedDrift = i % 10 == 0;
      if (indexedDrift) {
        config.putAll(indexedDrifts.get(i / 10 % indexedDrifts.size()));
      }
      Map<String, String> tags = i == 5 ? Map.of(ModePolicy.ENABLE_TAG, "client-cert-required") : Map.of();
      SiteHandle app = LocalAzure.compliantBeyond(arm().seedSite(subscription, "rg-default", String.format("func-%03d", i),
          "functionapp,linux", tags, true, config), Documents.SITE, Documents.WEB_CONFIG);
      if (indexedDrift || i == 5) {
        flagged.add(app.id());
      } else if (i % 10 == 3) {
        arm().seedDocument("PUT", LocalAzure.path(app, i % 20 == 3 ? Documents.FTP_BASIC_AUTH : Documents.SCM_BASIC_AUTH),
            "{\"properties\":{\"allow\":true}}");
        policyDrifted.add(app.id());
      }
      if (i == 7) {
        LocalAzure.compliantBeyond(arm().seedSlot(subscription, "rg-default", app.site(), "staging", true,
                compliantConfig()),
            Documents.SITE, Documents.WEB_CONFIG);
      }
    }
    arm().seedSite(subscription, "rg-web", "web-default", "app", Map.of(), false, DRIFTED_FTP);
    Set<String> drifted = new TreeSet<>(flagged);
    drifted.addAll(policyDrifted);

    Swept viaArm = sweep(defaultProfile(subscription, "arm"), subscription);
    Swept viaGraph = sweep(defaultProfile(subscription, "resourcegraph"), subscription);

    assertEquals(drifted, viaArm.with(Outcome.ALERTED), "the ARM-only sweep finds the seeded drift");
    assertEquals(viaArm.with(Outcome.ALERTED), viaGraph.with(Outcome.ALERTED), "the same findings");
    assertTrue(viaGraph.summary().complete() && viaGraph.summary().problems().isEmpty(), viaGraph.summary().toString());
    assertEquals(1, viaGraph.count(ResourceGraphSweepIT::graphQuery), "one query page");
    assertEquals(0, viaGraph.count(ResourceGraphSweepIT::listing), "no site list, no slot list");
    int rows = apps + 1;
    assertEquals(rows - flagged.size() + drifted.size(), viaGraph.count(ResourceGraphSweepIT::policyList),
        "one policy list for each app and slot the index did not flag, and one for each candidate confirmed");
    assertEquals(drifted.size(), viaGraph.count(ResourceGraphSweepIT::siteRead), "each candidate confirmed afresh");
    assertEquals(drifted.size(), viaGraph.count(ResourceGraphSweepIT::configRead), "with its config/web");
    Set<String> granted = LeastPrivilegeIT.granted();
    assertEquals(Set.of(), viaGraph.requests().stream().map(LeastPrivilegeIT::rbacAction).filter(action -> !granted.contains(action))
        .collect(Collectors.toSet()), "every request the role grants, the policy lists of sites and slots among them");
    assertTrue(viaGraph.requests().stream().map(LeastPrivilegeIT::rbacAction).collect(Collectors.toSet())
        .containsAll(Documents.FTP_BASIC_AUTH.listActions()));
    long armRequests = viaArm.requests().size();
    // Three reads an app (site list share, slot list, config/web, the policy list) against one an unflagged app and
    // three a candidate (site, config/web, the policy list): at 21% drift, nearly 2x fewer.
    assertTrue(10 * armRequests >= 19 * viaGraph.requests().size(), armRequests + " vs " + viaGraph.requests().size());
    System.out.printf("default profile, %d apps and a slot, %d drifted: ARM-only %d requests; Resource Graph %d "
            + "(1 query, %d policy lists, %d confirmations)%n", apps, drifted.size(), armRequests,
        viaGraph.requests().size(), viaGraph.count(ResourceGraphSweepIT::policyList), drifted.size());
  }

  /** A role from before sweeps listed the policies: the list is refused, and the two GETs screen the app instead. */
  @Test
  void aRefusedPolicyListIsFollowedByTheTwoPolicyReads() {
    String subscription = "00000000-0000-0000-0000-00000000a7a7";
    LocalAzure.compliantBeyond(arm().seedSite(subscription, "rg-list", "func-compliant", "functionapp,linux", Map.of(),
        true, compliantConfig()), Documents.SITE, Documents.WEB_CONFIG);
    SiteHandle ftpAllowed = LocalAzure.compliantBeyond(arm().seedSite(subscription, "rg-list", "func-ftp-allowed",
        "functionapp,linux", Map.of(), true, compliantConfig()), Documents.SITE, Documents.WEB_CONFIG);
    arm().seedDocument("PUT", LocalAzure.path(ftpAllowed, Documents.FTP_BASIC_AUTH), "{\"properties\":{\"allow\":true}}");
    arm().inject(Fault.on("GET", subscription + "/.*/basicPublishingCredentialsPolicies$").status(403)
        .times(Fault.ALWAYS));
    try {
      Swept swept = sweep(defaultProfile(subscription, "resourcegraph"), subscription);

      assertEquals(Set.of(ftpAllowed.id()), swept.with(Outcome.ALERTED));
      assertEquals(3, swept.count(ResourceGraphSweepIT::policyList),
          "each app's list tried once to screen it, and the drifted app's again to confirm it");
      assertEquals(6, swept.count(request -> request.method().equals("GET") && request.status() == 200
              && request.path().matches(".*/basicPublishingCredentialsPolicies/(ftp|scm)")),
          "each app's two policies read by themselves, and the drifted app's again to confirm it");
      assertEquals(1, swept.count(ResourceGraphSweepIT::siteRead), "only the drifted app confirmed");
    } finally {
      arm().clearFaults();
    }
  }

  @Test
  void aStaleRowSayingDriftedIsConfirmedCompliantByArmSoNothingIsFixedOrAlerted() {
    String subscription = "00000000-0000-0000-0000-00000000a7a2";
    SiteHandle app = arm().seedSite(subscription, "rg-lag", "func-fixed-since", "functionapp", Map.of(), true,
        Map.of("ftpsState", "AllAllowed", "minTlsVersion", "1.2", "remoteDebuggingEnabled", false));
    arm().resourceGraph().freeze();
    arm().write(LocalAzure.ALICE,
        "PATCH", app.webConfigId(), "{\"properties\":{\"ftpsState\":\"Disabled\"}}");

    Swept swept = sweep(driftguard(subscription, "autofix", "resourcegraph", Clock.systemUTC()), subscription);

    assertEquals(Set.of(app.id()), swept.with(Outcome.COMPLIANT), "the index named it; ARM's read clears it");
    assertEquals(0, swept.count(request -> !request.method().equals("GET") && !graphQuery(request)), "no fix");
    assertTrue(swept.decisions().stream().allMatch(d -> d.outcome() == Outcome.COMPLIANT), "no alert");
  }

  /**
   * The reverse lag: drift written after the index was built is not a candidate, so this sweep misses it (the write's
   * own event is what catches it at once); once the index catches up, the next sweep finds and fixes it.
   */
  @Test
  void driftTheIndexHasNotSeenYetIsFoundByTheSweepAfterItCatchesUp() {
    String subscription = "00000000-0000-0000-0000-00000000a7a3";
    SiteHandle app = arm().seedSite(subscription, "rg-lag", "func-drifted-since", "functionapp", Map.of(), true,
        compliantConfig());
    arm().resourceGraph().freeze();
    arm().write(LocalAzure.ALICE,
        "PATCH", app.webConfigId(), "{\"properties\":{\"ftpsState\":\"AllAllowed\"}}");
    Driftguard driftguard = driftguard(subscription, "autofix", "resourcegraph", Clock.systemUTC());

    Swept stale = sweep(driftguard, subscription);
    arm().resourceGraph().catchUp();
    Swept caughtUp = sweep(driftguard, subscription);

    assertEquals(List.of(), stale.decisions(), "not a candidate while the index lags");
    assertEquals(Set.of(app.id()), caughtUp.with(Outcome.FIXED));
    assertEquals("Disabled", LocalAzure.properties(arm().webConfig(app.id())).get("ftpsState"));
  }

  @Test
  void resourceGraphRefusingTheIdentityFallsBackToArmListingWithTheSameFindings() {
    String subscription = "00000000-0000-0000-0000-00000000a7a4";
    Set<String> drifted = seedEstate(subscription);
    arm().resourceGraph().forbid(true);

    Swept swept = sweep(driftguard(subscription, "notify", "resourcegraph", Clock.systemUTC()), subscription);

    assertEquals(drifted, swept.with(Outcome.ALERTED));
    assertTrue(swept.summary().complete(), swept.summary().toString());
    assertEquals(1, swept.summary().problems().size(), swept.summary().problems().toString());
    assertTrue(swept.summary().problems().get(0).startsWith("Resource Graph could not be used, so every site was "
        + "listed through ARM instead: the Resource Graph query: AuthorizationFailed"), swept.summary().problems().get(0));
    assertEquals(1, swept.count(ResourceGraphSweepIT::graphQuery), "asked once, not retried");
    assertEquals(201, swept.count(ResourceGraphSweepIT::configRead), "then every function app and slot read");
  }

  @Test
  void aSpentQuotaIsWaitedOutOnTheInjectedClockWithoutA429() {
    String subscription = "00000000-0000-0000-0000-00000000a7a5";
    for (int i = 0; i < 50; i++) {
      arm().seedSite(subscription, "rg-quota", String.format("func-%02d", i), "functionapp", Map.of(), true, DRIFTED_FTP);
    }
    MovableClock clock = new MovableClock();
    Instant start = clock.instant();
    arm().resourceGraph().quota(2, Duration.ofSeconds(5), clock);
    arm().resourceGraph().pageSize(10);

    Swept swept = sweep(driftguard(subscription, "notify", "resourcegraph", clock).resourceGraphPause(clock::advance),
        subscription);

    assertEquals(50, swept.with(Outcome.ALERTED).size(), swept.summary().toString());
    assertEquals(5, swept.count(ResourceGraphSweepIT::graphQuery), "five pages of ten");
    assertEquals(0, arm().resourceGraph().throttledCount(), "no query throttled");
    Duration waited = Duration.between(start, clock.instant());
    assertTrue(waited.compareTo(Duration.ofSeconds(10)) >= 0 && waited.compareTo(Duration.ofSeconds(15)) < 0,
        "two waits for the 5 s window to reset, on the test's clock: " + waited);
  }

  /**
   * A Resource Graph sweep cut short by its time limit (the test's time moves past it after the 15th of 30 apps)
   * checkpoints the page it was in and the last app it finished; the next run, on another instance, continues the same
   * run after it: every app decided once across both, none read twice, the tail reached.
   */
  @Test
  void aSweepCutShortByItsTimeLimitResumesAfterItsCheckpointInNotifyMode() {
    String subscription = "00000000-0000-0000-0000-00000000a7aa";
    Set<String> apps = new TreeSet<>();
    for (int i = 0; i < 30; i++) {
      apps.add(arm().seedSite(subscription, "rg-resume", String.format("func-%02d", i), "functionapp", Map.of(), true,
          DRIFTED_FTP).id());
    }
    arm().resourceGraph().pageSize(10);
    MovableClock clock = new MovableClock();
    MovableTicker ticker = new MovableTicker();
    Map<String, String> oneAtATime = graphJudgedProfile();
    oneAtATime.put(Settings.SWEEP_PARALLELISM, "1");
    SweepRequest request = SweepRequest.resumable(LocalAzure.uniqueName("graph-resume"), List.of(subscription), false,
        Duration.ofMinutes(2));
    List<Decision> first = new CopyOnWriteArrayList<>();
    int before = botRequests().size();

    SweepSummary cut = driftguard(subscription, "notify", "resourcegraph", clock, ticker, oneAtATime).buildAll()
        .sweeper()
        .run(request, new SweepListener() {
          @Override
          public void decided(Decision decision) {
            if (first.add(decision) && first.size() == 15) {
              clock.advance(Duration.ofMinutes(3));
              ticker.advance(Duration.ofMinutes(3));
            }
          }
        });
    List<RecordedRequest> cutRequests = List.copyOf(botRequests().subList(before, botRequests().size()));
    Swept resumed = sweep(driftguard(subscription, "notify", "resourcegraph", clock, oneAtATime), request);

    assertFalse(cut.complete(), "the first run must stop at its time limit: " + cut);
    assertEquals(15, cut.decided(), cut.toString());
    assertTrue(resumed.summary().complete() && resumed.summary().problems().isEmpty(), resumed.summary().toString());
    assertEquals(cut.runId(), resumed.summary().runId(), "the second run continues the first");
    Set<String> firstApps = first.stream().map(Decision::resource).collect(Collectors.toCollection(TreeSet::new));
    Set<String> all = new TreeSet<>(firstApps);
    all.addAll(resumed.with(Outcome.ALERTED));
    assertEquals(apps, all, "the tail is swept too");
    assertEquals(15, resumed.with(Outcome.ALERTED).size(), "none of the first run's apps again: " + resumed.decisions());
    assertEquals(30, cutRequests.stream().filter(ResourceGraphSweepIT::siteRead).count()
        + resumed.count(ResourceGraphSweepIT::siteRead), "each app read once across both runs");
    assertEquals(2, resumed.count(ResourceGraphSweepIT::graphQuery), "the page it stopped in, and the last one");
  }

  /**
   * A stored Resource Graph checkpoint is hostile input: one whose last id names another subscription's app is refused,
   * the sweep says so and starts over from the first page.
   */
  @Test
  void aResourceGraphCheckpointNamingAnotherSubscriptionsAppIsRefused() {
    String subscription = "00000000-0000-0000-0000-00000000a7ab";
    SiteHandle app = arm().seedSite(subscription, "rg-forged", "func-aaa", "functionapp", Map.of(), true, DRIFTED_FTP);
    String name = LocalAzure.uniqueName("graph-forged");
    TableServiceClient tables = new TableServiceClientBuilder()
        .connectionString(LocalAzure.azurite().connectionString()).buildClient();
    tables.createTableIfNotExists("DriftguardSweeps");
    tables.getTableClient("DriftguardSweeps").upsertEntity(new TableEntity("sweeps", name)
        .addProperty("Source", "resourcegraph")
        .addProperty("RunId", "20260101T000000-abcd")
        .addProperty("Subscription", subscription)
        .addProperty("DoneInPage", 0)
        .addProperty("LastId", "/subscriptions/00000000-0000-0000-0000-0000000000ff/resourceGroups/rg/providers/"
            + "Microsoft.Web/sites/zzz"));

    Swept swept = sweep(driftguard(subscription, "notify", "resourcegraph", Clock.systemUTC()),
        SweepRequest.resumable(name, List.of(subscription), false, Duration.ofMinutes(2)));

    assertTrue(swept.summary().problems().stream().anyMatch(problem -> problem.contains("checkpoint")
        && problem.contains("last id")), swept.summary().toString());
    assertEquals(Set.of(app.id()), swept.with(Outcome.ALERTED), "swept from the first page");
  }

  /**
   * Seeds 48 function apps, one in four drifted on one default control each (config/web, the site, CORS, the runtime,
   * both publishing policies; the last a CORS drift on an app whose tag asks for that guarded fix), and a drifted slot;
   * returns the drifted apps and slots.
   */
  private static Set<String> seedEveryDefaultDrift(String subscription) {
    List<Map<String, Object>> configDrifts = List.of(DRIFTED_FTP, Map.of("minTlsVersion", "1.0"),
        Map.of("remoteDebuggingEnabled", true), Map.of("cors", Map.of("allowedOrigins", List.of("*"))),
        Map.of("linuxFxVersion", "Python|3.8"));
    Set<String> drifted = new TreeSet<>();
    for (int i = 0; i < 48; i++) {
      int kind = i / 4 % 8;
      boolean drift = i % 4 == 0;
      Map<String, Object> config = compliantConfig();
      if (drift && kind < configDrifts.size()) {
        config.putAll(configDrifts.get(kind));
      }
      Map<String, String> tags = i == 44 ? Map.of(ModePolicy.AUTOFIX_TAG, "cors-no-wildcard") : Map.of();
      SiteHandle app = LocalAzure.compliantBeyond(arm().seedSite(subscription, "rg-fix", String.format("func-%02d", i),
          "functionapp,linux", tags, !(drift && kind == 5), config), Documents.SITE, Documents.WEB_CONFIG);
      if (drift && kind >= 6) {
        arm().seedDocument("PUT", LocalAzure.path(app, kind == 6 ? Documents.FTP_BASIC_AUTH : Documents.SCM_BASIC_AUTH),
            "{\"properties\":{\"allow\":true}}");
      }
      if (drift) {
        drifted.add(app.id());
      }
      if (i == 1) {
        Map<String, Object> slotConfig = compliantConfig();
        slotConfig.put("minTlsVersion", "1.0");
        drifted.add(LocalAzure.compliantBeyond(arm().seedSlot(subscription, "rg-fix", app.site(), "staging", true,
            slotConfig), Documents.SITE, Documents.WEB_CONFIG).id());
      }
    }
    return drifted;
  }

  /**
   * Autofix with the catalog's default profile, on two subscriptions seeded alike: the one swept through Resource Graph
   * gets, app for app, the outcome and the writes (path and body) the one swept through ARM listing gets; safe controls
   * fixed, guarded and report-only ones alerted unless a tag names them; a dry run afterwards finds nothing to fix.
   */
  @Test
  void inAutofixModeResourceGraphFixesAndAlertsAppForAppWhatTheArmSweepDoesWithTheSameWrites() {
    String armSide = "00000000-0000-0000-0000-00000000a7a8";
    String graphSide = "00000000-0000-0000-0000-00000000a7a9";
    seedEveryDefaultDrift(armSide);
    Set<String> drifted = seedEveryDefaultDrift(graphSide);

    // The administrator lets app tags ask for the CORS fix: without it a tag gets notify.
    Map<String, String> corsByTag = Map.of("DRIFTGUARD_TAG_OPT_IN", "cors-no-wildcard");
    Swept viaArm = sweep(driftguard(armSide, "autofix", "arm", Clock.systemUTC(), corsByTag), armSide);
    Swept viaGraph = sweep(driftguard(graphSide, "autofix", "resourcegraph", Clock.systemUTC(), corsByTag), graphSide);
    // Re-judged through ARM listing, whatever the index says: every app and slot read afresh, nothing changed.
    Swept after = sweep(driftguard(graphSide, "autofix", "arm", Clock.systemUTC(), corsByTag), graphSide, true);

    assertTrue(viaGraph.summary().complete() && viaGraph.summary().problems().isEmpty(), viaGraph.summary().toString());
    assertEquals(drifted, viaGraph.actedOn(graphSide).keySet(), "every seeded drift acted on");
    assertEquals(viaArm.actedOn(graphSide), viaGraph.actedOn(graphSide), "the same outcome for every app");
    assertEquals(viaArm.writesOn(graphSide), viaGraph.writesOn(graphSide), "the same writes for every app");
    assertEquals(10, viaGraph.with(Outcome.FIXED).size(), "two each of ftps, TLS and debugging, the slot's TLS,"
        + " httpsOnly, the FTP policy, the CORS the tag names");
    assertEquals(3, viaGraph.with(Outcome.ALERTED).size(), "CORS untagged (guarded), runtime (report-only), SCM policy"
        + " (guarded)");
    assertEquals(Set.of(), viaGraph.requests().stream().filter(request -> request.status() / 100 != 2)
        .map(RecordedRequest::toString).collect(Collectors.toSet()), "every request answered");
    assertEquals(viaGraph.with(Outcome.ALERTED), after.with(Outcome.DRIFTED), "only what was alerted is left");
    assertEquals(List.of(), after.decisions().stream().flatMap(d -> d.findings().stream())
        .filter(finding -> finding.action() == Action.WOULD_FIX).toList(), "nothing left that autofix would fix");
  }
}
