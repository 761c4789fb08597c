package io.driftguard.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.storage.queue.QueueClient;
import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.config.SettingsException;
import io.driftguard.sandbox.Caller;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SiteHandle;
import io.driftguard.sweep.SweepSummary;
import io.driftguard.time.Ticker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The health alerts (infra/modules/health-alerts.bicep) read what the functions leave in Application Insights: the
 * cannot-start rule counts failed invocations, which a function's thrown exception makes; the reconcile-missed rule
 * looks for each subscription's "finished" sweep line. Here the functions run against the sandbox as the host calls
 * them, and the queries' own patterns are applied to what they log and do.
 */
class HealthAlertQueriesIT {

  private static final Path ALERTS = Path.of("..", "infra", "alerts");
  private static final Caller ALICE = Caller.user("alice@contoso.com", "Alice Admin", "11111111-1111-1111-1111-111111111111", "203.0.113.7");
  private static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000a1e1";

  /** The test of a finished sweep the reconcile-missed query applies to AppTraces.Message, read from the query. */
  record FinishedSweep(String prefix, String term, Pattern subscription) {

    static FinishedSweep fromQuery() throws IOException {
      String query = Files.readString(ALERTS.resolve("driftguard-reconcile-missed.kql"));
      Matcher where = Pattern.compile("where Message startswith \"([^\"]+)\" and Message has \"([^\"]+)\"").matcher(query);
      Matcher extract = Pattern.compile("extract\\(@\"([^\"]+)\", 1, Message\\)").matcher(query);
      assertTrue(where.find() && extract.find(), "the query's filter and extraction: " + query);
      return new FinishedSweep(where.group(1), where.group(2), Pattern.compile(extract.group(1)));
    }

    /** The subscription, lower-cased, whose finished sweep the message reports. */
    Optional<String> subscriptionOf(String message) {
      Matcher matcher = subscription.matcher(message);
      return message.regionMatches(true, 0, prefix, 0, prefix.length()) && message.contains(term) && matcher.find()
          ? Optional.of(matcher.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }
  }

  @Test
  void theReconcileAlertSeesEverySubscriptionsFinishedSweepAndNothingElse() throws IOException {
    FinishedSweep finished = FinishedSweep.fromQuery();
    Sandbox sandbox = TestHost.sandbox();
    List<String> subscriptions = List.of(SUBSCRIPTION, SUBSCRIPTION.replace("a1e1", "A1E2"));
    for (String subscription : subscriptions) {
      sandbox.arm().seedSite(subscription, "rg-health", "func-health", "functionapp", Map.of(), true,
          Map.of("ftpsState", "AllAllowed", "minTlsVersion", "1.2", "remoteDebuggingEnabled", false));
    }
    Settings settings = TestHost.settings(sandbox, Map.of("DRIFTGUARD_SUBSCRIPTIONS", String.join(",", subscriptions),
        "AzureWebJobsStorage", TestHost.azurite().connectionString()));
    Driftguard.Parts parts = TestHost.engine(sandbox, settings);
    QueueClient queue = TestHost.emptySweepQueue();
    TestHost.CapturingContext timer = new TestHost.CapturingContext("Reconcile");
    new Reconcile(() -> settings, parts::sweeper, parts::queuedSweeps).run("{}", timer);
    assertEquals(List.of(), timer.messages().stream().flatMap(line -> finished.subscriptionOf(line).stream()).toList(),
        "a queued sweep is not a finished one: " + timer.messages());

    TestHost.CapturingContext worker = new TestHost.CapturingContext("SweepSubscription");
    for (var message : queue.receiveMessages(10)) {
      new SweepSubscription(parts::queuedSweeps).run(message.getBody().toString(), worker);
    }

    Set<String> seen = new TreeSet<>();
    worker.messages().forEach(line -> finished.subscriptionOf(line).ifPresent(seen::add));
    assertEquals(new TreeSet<>(subscriptions.stream().map(id -> id.toLowerCase(Locale.ROOT)).toList()), seen,
        "every swept subscription, as the query compares them (lower case): " + worker.messages());
    assertFalse(Reconcile.describe(new SweepSummary("reconcile-" + SUBSCRIPTION, false, 1, Map.of(), 1, 0, List.of(), 1))
        .contains(finished.term()), "a sweep stopped at its time limit has not finished");
  }

  @Test
  void invalidSettingsFailEveryFunctionInvocation() {
    Map<String, String> environment = Map.of("DRIFTGUARD_MODE", "fix-everything", "DRIFTGUARD_MIN_TLS", "1.0.0");
    // What SharedEngine does on the host's first invocation, with these app settings.
    Supplier<Settings> settings = () -> Settings.from(environment);
    Supplier<Driftguard.Parts> parts = () -> Driftguard.builder(settings.get(), Clock.systemUTC(), Ticker.SYSTEM).buildAll();
    Map<String, Executable> invocations = Map.of(
        "OnResourceWrite", () -> new OnResourceWrite(() -> parts.get().engine()).run(driftEvent("func-health-settings"),
            new TestHost.CapturingContext("OnResourceWrite")),
        "Reconcile", () -> new Reconcile(settings, () -> parts.get().sweeper(), () -> parts.get().queuedSweeps())
            .run("{}", new TestHost.CapturingContext("Reconcile")),
        "SweepSubscription", () -> new SweepSubscription(() -> parts.get().queuedSweeps())
            .run("{}", new TestHost.CapturingContext("SweepSubscription")),
        "SweepAbandoned", () -> new SweepAbandoned(() -> parts.get().queuedSweeps())
            .run("{}", "poison-1", new TestHost.CapturingContext("SweepAbandoned")),
        "Warmup", () -> new Warmup(() -> parts.get().engine().prepare()).run(null, new TestHost.CapturingContext("Warmup")));
    invocations.forEach((function, invocation) -> {
      SettingsException thrown = assertThrows(SettingsException.class, invocation, function + " must fail, not return");
      assertTrue(thrown.getMessage().contains("DRIFTGUARD_MODE"), function + ": " + thrown.getMessage());
    });
  }

  @Test
  void unreachableStorageFailsTheSweepsThatNeedIt() {
    Sandbox sandbox = TestHost.sandbox();
    // Azurite's well-known development account, at a port nothing listens on.
    String nowhere = TestHost.azurite().connectionString().replaceAll("http://127\\.0\\.0\\.1:\\d+", "http://127.0.0.1:9");
    assertFalse(nowhere.equals(TestHost.azurite().connectionString()), "the endpoints were moved: " + nowhere);
    Map<String, String> environment = new HashMap<>(Map.of("DRIFTGUARD_MODE", "autofix", "DRIFTGUARD_SUBSCRIPTIONS",
        SUBSCRIPTION, "AzureWebJobsStorage", nowhere));
    Settings settings = TestHost.settings(sandbox, environment);
    Driftguard.Parts parts = TestHost.engine(sandbox, settings);

    assertThrows(RuntimeException.class, () -> new SweepSubscription(parts::queuedSweeps)
        .run("{\"subscription\":\"" + SUBSCRIPTION + "\",\"run\":\"r1\"}", new TestHost.CapturingContext("SweepSubscription")),
        "a sweep that cannot claim its subscription fails, and the host delivers it again");
    assertThrows(RuntimeException.class, () -> new Reconcile(() -> settings, parts::sweeper, parts::queuedSweeps)
        .run("{}", new TestHost.CapturingContext("Reconcile")), "a timer that cannot queue its sweeps fails");
    // Events do not wait for storage: the app is judged and fixed all the same, a success that keeps the cannot-start
    // alert quiet while the reconcile alert reports the sweeps that cannot run. (In Azure the Functions host needs the
    // same account for itself: there, unreachable storage stops every function, and the host's errors are counted.)
    TestHost.CapturingContext context = new TestHost.CapturingContext("OnResourceWrite");
    new OnResourceWrite(parts::engine).run(driftEvent("func-health-storage"), context);
    String decision = context.messages().get(context.messages().size() - 1);
    assertTrue(decision.contains("\"outcome\":\"fixed\"") && decision.contains("\"recordingDegraded\":true"), decision);
  }

  @Test
  void withoutAnIdentityEveryEventFailsAndIsDeliveredAgain() {
    Sandbox sandbox = TestHost.sandbox();
    Settings settings = TestHost.settings(sandbox, Map.of("DRIFTGUARD_MODE", "autofix", "DRIFTGUARD_SUBSCRIPTIONS", SUBSCRIPTION));
    // A real credential whose token service does not answer: what driftguard meets without its managed identity.
    TokenCredential noIdentity = new ClientSecretCredentialBuilder().tenantId("00000000-0000-0000-0000-0000000000aa")
        .clientId("00000000-0000-0000-0000-0000000000bb").clientSecret("none").authorityHost("https://127.0.0.1:9/")
        .disableInstanceDiscovery().maxRetry(0).build();
    OnResourceWrite function = new OnResourceWrite(Driftguard.builder(settings, Clock.systemUTC(), Ticker.SYSTEM).trust(sandbox.trustManager())
        .credential(noIdentity).buildAll()::engine);
    String event = driftEvent("func-health-identity");
    RetryableFailureException thrown = assertThrows(RetryableFailureException.class,
        () -> function.run(event, new TestHost.CapturingContext("OnResourceWrite")), "a failed invocation, not an acknowledged one");
    assertTrue(thrown.getMessage().contains("will be delivered again"), thrown.getMessage());
  }

  @Test
  void theCannotStartQueryCountsFailedInvocationsWhenNoneSucceeded() throws IOException {
    String query = Files.readString(ALERTS.resolve("driftguard-cannot-start.kql"));
    assertTrue(query.contains("(AppRequests | where Success == false |"), "a thrown exception is a failed request");
    assertTrue(query.contains("let succeeded = toscalar(AppRequests | where Success == true | count);")
        && query.contains("| where succeeded == 0"), query);
  }

  private static String driftEvent(String name) {
    Sandbox sandbox = TestHost.sandbox();
    SiteHandle app = sandbox.arm().seedSite(SUBSCRIPTION, "rg-health", name, "functionapp", Map.of(), true,
        Map.of("ftpsState", "Disabled", "minTlsVersion", "1.2", "remoteDebuggingEnabled", false));
    sandbox.arm().write(ALICE, "PATCH", app.webConfigId(), "{\"properties\":{\"ftpsState\":\"AllAllowed\"}}");
    List<String> events = sandbox.arm().drainEmittedEvents();
    return events.get(events.size() - 1);
  }
}
