package io.driftguard.sandbox;

import static io.driftguard.sandbox.ArmAuthenticationTest.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultInjectionTest {
  private static Sandbox sandbox;
  private static ArmTestClient client;
  private static SiteHandle site;

  @BeforeAll
  static void start() {
    sandbox = Sandbox.start();
    client = new ArmTestClient(sandbox);
    site = sandbox.arm().seedSite("sub-1", "rg", "func", "functionapp", Map.of(), false, Map.of());
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  @BeforeEach
  void reset() {
    sandbox.arm().clearFaults();
    sandbox.arm().clearRequests();
    sandbox.arm().latency(Duration.ZERO);
    sandbox.arm().drainEmittedEvents();
  }

  @Test
  void throttlesTheGivenNumberOfTimesThenAnswersNormally() {
    FaultHandle fault = sandbox.arm().inject(Fault.on("PATCH", "/config/web$").status(429).retryAfterSeconds(1).times(2));
    String body = "{\"properties\":{\"ftpsState\":\"Disabled\"}}";

    for (int i = 0; i < 2; i++) {
      HttpResponse<String> throttled = client.arm("PATCH", site.webConfigId(), body);
      assertEquals(429, throttled.statusCode());
      assertEquals("SubscriptionRequestsThrottled", errorCode(throttled));
      assertEquals("1", throttled.headers().firstValue("Retry-After").orElseThrow());
    }
    assertEquals(200, client.arm("PATCH", site.webConfigId(), body).statusCode());

    assertEquals(2, fault.hits());
    assertEquals(List.of(429, 429, 200), sandbox.arm().requests().stream().map(RecordedRequest::status).toList());
    assertEquals(1, sandbox.arm().emittedEvents().size(), "refused writes emit nothing");
  }

  @Test
  void aForgedAnswerIsServedInsteadOfTheRealOneAndNotAppliedToState() {
    String forged = "{\"value\":[],\"nextLink\":\"https://attacker.example/steal\"}";
    FaultHandle fault = sandbox.arm().inject(Fault.on("GET", "/slots$").answer(forged));

    HttpResponse<String> answered = client.get(site.id() + "/slots");

    assertEquals(200, answered.statusCode());
    assertEquals(forged, answered.body());
    assertEquals(1, fault.hits());
    assertTrue(client.get(site.id() + "/slots").body().startsWith("{\"value\":[]"), "once only");
    assertThrows(IllegalArgumentException.class, () -> Fault.on("GET", "/").status(500).answer("{}"));
  }

  @Test
  void aWriteCanBeAnsweredWithAnyStatusOrARedirectWithoutBeingApplied() {
    String body = "{\"properties\":{\"ftpsState\":\"Disabled\"}}";
    String before = client.get(site.webConfigId()).body();
    sandbox.arm().inject(Fault.on("PATCH", "/config/web$").answer(204, ""));
    sandbox.arm().inject(Fault.on("PATCH", "/config/web$").answer(307, ""));

    HttpResponse<String> noContent = client.arm("PATCH", site.webConfigId(), body);
    HttpResponse<String> redirected = client.arm("PATCH", site.webConfigId(), body);

    assertEquals(204, noContent.statusCode());
    assertEquals("", noContent.body());
    assertEquals(307, redirected.statusCode());
    assertEquals(site.webConfigId(), redirected.headers().firstValue("Location").orElseThrow(), "back to itself");
    assertEquals(before, client.get(site.webConfigId()).body(), "neither write was applied");
    assertEquals(List.of(), sandbox.arm().emittedEvents(), "nor announced");
    assertThrows(IllegalArgumentException.class, () -> Fault.on("PATCH", "/").answer(404, ""));
  }

  @Test
  void faultsMatchOnlyTheirMethodAndPath() {
    sandbox.arm().inject(Fault.on("PATCH", "/config/web$").status(500).times(Fault.ALWAYS));

    assertEquals(200, client.get(site.webConfigId()).statusCode());
    assertEquals(200, client.arm("PATCH", site.id(), "{\"properties\":{}}").statusCode());
    HttpResponse<String> failed = client.arm("PATCH", site.webConfigId(), "{\"properties\":{}}");
    assertEquals(500, failed.statusCode());
    assertEquals("InternalServerError", errorCode(failed));
    assertEquals(500, client.arm("PATCH", site.webConfigId(), "{\"properties\":{}}").statusCode());
  }

  @Test
  void forbiddenNamesTheCallerActionAndScope() {
    sandbox.arm().inject(Fault.on("*", "/config/web").status(403));

    HttpResponse<String> response = client.arm("PATCH", site.webConfigId(), "{\"properties\":{}}");

    assertEquals(403, response.statusCode());
    assertEquals("AuthorizationFailed", errorCode(response));
    String message = Json.parse(response.body()).get("error").get("message").asText();
    assertTrue(message.contains("The client '" + sandbox.botObjectId() + "' with object id '" + sandbox.botObjectId() + "'"));
    assertTrue(message.contains("'Microsoft.Web/sites/config/write' over scope '" + site.webConfigId() + "'"));
  }

  @Test
  void delayOnlySlowsTheAnswerDown() {
    sandbox.arm().inject(Fault.on("GET", "/config/web$").delay(Duration.ofMillis(300)));

    long start = System.nanoTime();
    HttpResponse<String> response = client.get(site.webConfigId());
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertEquals(200, response.statusCode());
    assertTrue(elapsedMillis >= 300, "took " + elapsedMillis + " ms");
  }

  @Test
  void latencyIsAddedToEveryAnswer() {
    sandbox.arm().latency(Duration.ofMillis(150));

    long start = System.nanoTime();
    client.get(site.id());
    client.get(site.webConfigId());
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertTrue(elapsedMillis >= 300, "took " + elapsedMillis + " ms");
  }

  @Test
  void theRequestLogSaysHowLongTheSandboxHeldEachRequest() {
    sandbox.arm().latency(Duration.ofMillis(150));

    client.get(site.id());

    RecordedRequest get = sandbox.arm().requests().get(0);
    assertTrue(!get.answered().isBefore(get.at().plusMillis(150)), "received " + get.at() + ", answered " + get.answered());
  }

  @Test
  void resetDropsTheConnectionWithoutAnAnswer() {
    sandbox.arm().inject(Fault.on("PATCH", "/config/web$").resetConnection());

    assertThrows(UncheckedIOException.class,
        () -> client.arm("PATCH", site.webConfigId(), "{\"properties\":{\"ftpsState\":\"Disabled\"}}"));

    assertEquals(0, sandbox.arm().requests().get(0).status());
    assertEquals("FtpsOnly", SiteResourcesTest.properties(sandbox.arm().webConfig(site.id())).get("ftpsState"));
    assertEquals(200, client.arm("PATCH", site.webConfigId(), "{\"properties\":{}}").statusCode());
  }

  @Test
  void chaosShowsInTheLogAsItCountsIt() {
    Fault throttle = Fault.on("GET", "/config/web$").status(429).retryAfterSeconds(1);
    Fault unavailable = Fault.on("GET", "/config/web$").status(503);
    Fault reset = Fault.on("GET", "/config/web$").resetConnection();
    ChaosHandle chaos = sandbox.arm().inject(Chaos.of(0.5, 11, throttle, unavailable, reset));

    for (int i = 0; i < 30; i++) {
      try {
        HttpResponse<String> response = client.get(site.webConfigId());
        if (response.statusCode() == 429) {
          assertEquals("1", response.headers().firstValue("Retry-After").orElseThrow());
        }
      } catch (UncheckedIOException e) {
        // a reset
      }
    }

    Map<Integer, Long> logged = sandbox.arm().requests().stream()
        .collect(Collectors.groupingBy(RecordedRequest::status, Collectors.counting()));
    Map<Fault, Integer> injected = chaos.injected();
    assertEquals(injected.get(throttle).longValue(), logged.getOrDefault(429, 0L));
    assertEquals(injected.get(unavailable).longValue(), logged.getOrDefault(503, 0L));
    assertEquals(injected.get(reset).longValue(), logged.getOrDefault(0, 0L));
    assertTrue(chaos.injectedTotal() > 0 && logged.getOrDefault(200, 0L) > 0, logged.toString());
  }

  @Test
  void removedFaultsStopMatching() {
    FaultHandle fault = sandbox.arm().inject(Fault.on("GET", ".*").status(503).times(Fault.ALWAYS));
    assertEquals(503, client.get(site.id()).statusCode());

    fault.remove();

    assertEquals(200, client.get(site.id()).statusCode());
    assertEquals(1, fault.hits());
  }
}
