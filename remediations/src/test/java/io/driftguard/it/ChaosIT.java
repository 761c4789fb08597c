package io.driftguard.it;

import static io.driftguard.it.LocalAzure.arm;
import static io.driftguard.it.LocalAzure.botRequests;
import static io.driftguard.it.LocalAzure.properties;
import static io.driftguard.it.LocalAzure.sandbox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.engine.Decision;
import io.driftguard.engine.Remediator;
import io.driftguard.sandbox.Caller;
import io.driftguard.sandbox.Chaos;
import io.driftguard.sandbox.ChaosHandle;
import io.driftguard.sandbox.Fault;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.SiteHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * 500 events over 100 apps, shuffled, duplicated and delivered by eight threads at once, while ARM throws random 429s,
 * 500s, 503s and resets and the alert upload fails for a while; retryable decisions are delivered again, as Event Grid
 * would. The end state must be exact.
 */
class ChaosIT {

  private static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000c4a05";
  private static final int APPS = 100;
  private static final int EVENTS_PER_APP = 5;
  private static final long SEED = 20261122L;
  private static final Caller PEOPLE = Caller.user("ops@contoso.com", "Ops", "0f000000-0000-4000-8000-000000000001", "203.0.113.9");

  @AfterEach
  void calm() {
    arm().clearFaults();
    sandbox().logs().clearFaults();
  }

  /** What happened to one app: which documents drifted, in which mode. */
  private record App(SiteHandle site, boolean notifyMode, boolean configDrift, boolean siteDrift) {}

  @Test
  void underRandomFaultsEveryDriftIsHandledExactlyOnceAndNothingIsLost() throws Exception {
    Random random = new Random(SEED);
    List<App> apps = new ArrayList<>();
    List<String> events = new ArrayList<>();
    for (int i = 0; i < APPS; i++) {
      boolean notify = i % 5 == 0;
      SiteHandle site = arm().seedSite(SUBSCRIPTION, "rg-chaos", String.format("func-chaos-%03d", i), "functionapp",
          notify ? Map.of("driftguard-mode", "notify") : Map.of(), true, LocalAzure.compliantConfig());
      App app = new App(site, notify, random.nextBoolean(), random.nextInt(4) == 0);
      apps.add(app);
      arm().drainEmittedEvents();
      if (app.configDrift()) {
        arm().write(PEOPLE, "PATCH", site.webConfigId(), "{\"properties\":{\"ftpsState\":\"AllAllowed\",\"minTlsVersion\":\"1.0\"}}");
      }
      if (app.siteDrift()) {
        arm().write(PEOPLE, "PATCH", site.id(), "{\"properties\":{\"httpsOnly\":false}}");
      }
      List<String> appEvents = new ArrayList<>(arm().drainEmittedEvents());
      while (appEvents.size() < EVENTS_PER_APP - 1) {
        // Writes that change no controlled setting still announce the app.
        arm().write(PEOPLE, "PATCH", site.webConfigId(), "{\"properties\":{\"http20Enabled\":" + random.nextBoolean() + "}}");
        appEvents.addAll(arm().drainEmittedEvents());
      }
      appEvents.add(appEvents.get(random.nextInt(appEvents.size())));
      events.addAll(appEvents);
    }
    assertEquals(APPS * EVENTS_PER_APP, events.size());
    Collections.shuffle(events, random);

    Map<String, String> settings = new HashMap<>(LocalAzure.recordingSettings());
    settings.put("DRIFTGUARD_MODE", "autofix");
    settings.put("DRIFTGUARD_ARM_BREAKER_OPEN", "1s");
    MovableClock clock = new MovableClock();
    Remediator engine = LocalAzure.engine(settings, clock);
    int before = botRequests().size();
    ChaosHandle chaos = arm().inject(Chaos.of(0.08, SEED,
        Fault.on("*", "func-chaos").status(429).retryAfterSeconds(1),
        Fault.on("*", "func-chaos").status(500),
        Fault.on("*", "func-chaos").status(503),
        Fault.on("*", "func-chaos").resetConnection()));
    // Outages longer than the SDK's retries: these must surface as retryable and succeed on redelivery.
    arm().inject(Fault.on("GET", "func-chaos-01\\d/config/web").status(503).times(12));
    sandbox().logs().inject(Fault.on("POST", ".").status(503).times(12));

    Deliveries deliveries = deliverUntilAcknowledged(engine, clock, events);

    assertTrue(chaos.injectedTotal() > 20, "the chaos was real: " + chaos.injected());
    assertTrue(deliveries.retried.get() > 0, "some deliveries failed retryably and were delivered again");
    assertEquals(List.of(), deliveries.unacknowledged, "every event was acknowledged in the end");

    List<RecordedRequest> writes = botRequests().subList(before, botRequests().size()).stream()
        .filter(request -> !request.method().equals("GET") && request.status() == 200).toList();
    Set<String> fixedFindings = new HashSet<>();
    Set<String> alertedFindings = new HashSet<>();
    sandbox().logs().rows().forEach(row -> {
      String key = row.get("TargetResourceId") + "|" + row.get("Rule");
      if ("fixed".equals(row.get("Action"))) {
        fixedFindings.add(key + "|" + row.get("EventId"));
      }
      if ("alerted".equals(row.get("Action"))) {
        alertedFindings.add(key);
      }
    });
    for (App app : apps) {
      SiteHandle site = app.site();
      long configWrites = writes.stream().filter(request -> request.path().equals(site.webConfigId())).count();
      long siteWrites = writes.stream().filter(request -> request.path().equals(site.id())).count();
      Map<?, ?> config = properties(arm().webConfig(site.id()));
      Map<?, ?> siteProperties = properties(arm().site(site.id()));
      if (app.notifyMode()) {
        assertEquals(0, configWrites + siteWrites, site.site() + ": notify mode writes nothing");
        assertEquals(app.configDrift() ? "AllAllowed" : "Disabled", config.get("ftpsState"), site.site());
        if (app.configDrift()) {
          assertTrue(alertedFindings.contains(site.id().toLowerCase() + "|ftp-disabled"), site.site() + ": the alert was not lost");
          assertTrue(alertedFindings.contains(site.id().toLowerCase() + "|min-tls"), site.site());
        }
        if (app.siteDrift()) {
          assertTrue(alertedFindings.contains(site.id().toLowerCase() + "|https-only"), site.site());
        }
      } else {
        assertEquals(app.configDrift() ? 1 : 0, configWrites, site.site() + ": config written once if drifted, else never");
        assertEquals(app.siteDrift() ? 1 : 0, siteWrites, site.site() + ": site written once if drifted, else never");
        assertEquals("Disabled", config.get("ftpsState"), site.site());
        assertEquals("1.2", config.get("minTlsVersion"), site.site());
        assertEquals(true, siteProperties.get("httpsOnly"), site.site());
        if (app.configDrift()) {
          assertEquals(1, fixedFindings.stream().filter(key -> key.startsWith(site.id().toLowerCase() + "|min-tls|")).count(),
              site.site() + ": the fix was reported, under one event");
        }
        if (app.siteDrift()) {
          assertEquals(1, fixedFindings.stream().filter(key -> key.startsWith(site.id().toLowerCase() + "|https-only|")).count(),
              site.site());
        }
      }
    }
    System.out.printf("chaos: %d events, %d deliveries (%d retried), faults injected %s, %d bot writes%n",
        events.size(), deliveries.attempts.get(), deliveries.retried.get(), chaos.injected(), writes.size());
  }

  /** Delivers each event, and delivers again (the clock moved on) those whose decision is retryable. */
  private static final class Deliveries {
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicInteger retried = new AtomicInteger();
    final List<String> unacknowledged = Collections.synchronizedList(new ArrayList<>());
  }

  private static Deliveries deliverUntilAcknowledged(Remediator engine, MovableClock clock, List<String> events)
      throws InterruptedException {
    Deliveries deliveries = new Deliveries();
    ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(events);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    for (int thread = 0; thread < 8; thread++) {
      threads.submit(() -> {
        Map<String, Integer> tries = new HashMap<>();
        String event;
        while ((event = queue.poll()) != null) {
          deliveries.attempts.incrementAndGet();
          Decision decision = LocalAzure.deliver(engine, event);
          if (decision.retryable()) {
            deliveries.retried.incrementAndGet();
            if (tries.merge(event, 1, Integer::sum) > 20) {
              deliveries.unacknowledged.add(decision.reason());
            } else {
              clock.advance(Duration.ofMillis(100));
              queue.add(event);
            }
          }
        }
      });
    }
    threads.shutdown();
    assertTrue(threads.awaitTermination(5, TimeUnit.MINUTES), "deliveries did not finish");
    return deliveries;
  }
}
