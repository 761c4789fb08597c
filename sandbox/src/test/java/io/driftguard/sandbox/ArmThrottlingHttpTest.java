package io.driftguard.sandbox;

import static io.driftguard.sandbox.ArmAuthenticationTest.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Throttling as the bot meets it: real HTTP, small buckets refilling on a clock the test moves, so that no token comes
 * back while a burst empties a bucket, and one does the moment the test says time has passed.
 */
class ArmThrottlingHttpTest {
  private static final ArmThrottle SMALL = new ArmThrottle(5, 2, 5, 2);
  private static final String SUB = "7e57ab1e-0000-4000-8000-000000000001";
  private static final String OTHER_SUB = "7e57ab1e-0000-4000-8000-000000000002";
  private static final String READS = "x-ms-ratelimit-remaining-subscription-reads";
  private static final String WRITES = "x-ms-ratelimit-remaining-subscription-writes";
  private static final String NO_CHANGE = "{\"properties\":{}}";

  private static Sandbox sandbox;
  private static ArmTestClient client;
  private static SiteHandle site;
  private static SiteHandle otherSite;
  private static final AtomicLong NANOS = new AtomicLong();

  @BeforeAll
  static void start() {
    sandbox = Sandbox.start(SandboxOptions.defaults().withThrottling(SMALL));
    client = new ArmTestClient(sandbox);
    site = sandbox.arm().seedSite(SUB, "rg", "func", "functionapp", Map.of(), false,
        Map.of("ftpsState", "AllAllowed"));
    otherSite = sandbox.arm().seedSite(OTHER_SUB, "rg", "func", "functionapp", Map.of(), false, Map.of());
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  @BeforeEach
  void freshBuckets() {
    sandbox.arm().throttle(SMALL, NANOS::get);
    sandbox.arm().clearRequests();
    sandbox.arm().drainEmittedEvents();
  }

  @Test
  void readsOverTheLimitAreRefusedUntilATokenIsBack() {
    assertEquals(List.of("4", "3", "2", "1", "0"), remainingAfter(5, () -> client.get(site.id()), READS));

    HttpResponse<String> refused = client.get(site.id());

    assertEquals(429, refused.statusCode());
    assertEquals("SubscriptionRequestsThrottled", errorCode(refused));
    assertEquals("Number of 'read' requests for subscription '" + SUB + "' actor '" + sandbox.botObjectId()
            + "' exceeded. Please try again after '1' seconds after additional tokens are available. "
            + "Refer to https://aka.ms/arm-throttling",
        Json.parse(refused.body()).get("error").get("message").asText());
    assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
    assertEquals("0", refused.headers().firstValue(READS).orElseThrow());
    assertEquals(1, sandbox.arm().throttledCount());
    RecordedRequest logged = sandbox.arm().requests().get(5);
    assertEquals(429, logged.status());
    assertEquals(sandbox.botObjectId(), logged.callerObjectId());

    assertEquals(429, client.get(site.id()).statusCode(), "no token while the clock stands still");
    NANOS.addAndGet(Duration.ofSeconds(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).toNanos());

    assertEquals(200, client.get(site.id()).statusCode());
  }

  @Test
  void readsWritesAndSubscriptionsHaveSeparateBuckets() {
    remainingAfter(5, () -> client.get(site.id()), READS);
    assertEquals(429, client.get(site.webConfigId()).statusCode());

    HttpResponse<String> write = client.arm("PATCH", site.id(), NO_CHANGE);
    HttpResponse<String> otherSubscription = client.get(otherSite.id());

    assertEquals(200, write.statusCode());
    assertEquals("4", write.headers().firstValue(WRITES).orElseThrow());
    assertEquals(200, otherSubscription.statusCode());
    assertEquals("4", otherSubscription.headers().firstValue(READS).orElseThrow());
  }

  @Test
  void throttledPatchChangesNothing() {
    Map<String, Object> before = sandbox.arm().webConfig(site.id());
    assertEquals(List.of("4", "3", "2", "1", "0"),
        remainingAfter(5, () -> client.arm("PATCH", site.webConfigId(), NO_CHANGE), WRITES));

    HttpResponse<String> refused =
        client.arm("PATCH", site.webConfigId(), "{\"properties\":{\"ftpsState\":\"Disabled\"}}");

    assertEquals(429, refused.statusCode());
    assertEquals("write", Json.parse(refused.body()).get("error").get("message").asText().split("'")[1]);
    assertEquals(before, sandbox.arm().webConfig(site.id()));
    assertEquals(5, sandbox.arm().drainEmittedEvents().size(), "only the accepted writes emit events");
    assertEquals(429, sandbox.arm().requests().get(5).status());
  }

  @Test
  void peopleAndTheAdminApiAreNotThrottled() {
    remainingAfter(5, () -> client.arm("PATCH", site.id(), NO_CHANGE), WRITES);

    sandbox.arm().write(Caller.servicePrincipal("app", sandbox.botObjectId(), "same principal"),
        "PATCH", site.webConfigId(), "{\"properties\":{\"ftpsState\":\"FtpsOnly\"}}");

    assertEquals("FtpsOnly", SiteResourcesTest.properties(sandbox.arm().webConfig(site.id())).get("ftpsState"));
    assertEquals(200, client.raw("GET", AdminEndpoint.PREFIX + "requests", null, null).statusCode());
    assertEquals(0, sandbox.arm().throttledCount());
  }

  @Test
  void offByDefaultWithAzuresNominalCounts() {
    sandbox.arm().throttle(ArmThrottle.OFF);

    assertEquals(List.of("249", "249", "249", "249", "249", "249", "249"),
        remainingAfter(7, () -> client.get(site.id()), READS));
    assertEquals(0, sandbox.arm().throttledCount());
  }

  /** Sends {@code count} requests that must succeed; returns their remaining-tokens headers. */
  private static List<String> remainingAfter(int count, Supplier<HttpResponse<String>> request,
      String header) {
    List<String> remaining = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      HttpResponse<String> response = request.get();
      assertEquals(200, response.statusCode(), response.body());
      remaining.add(response.headers().firstValue(header).orElseThrow());
    }
    return remaining;
  }
}
