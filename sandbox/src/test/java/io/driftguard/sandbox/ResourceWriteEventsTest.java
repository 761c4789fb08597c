package io.driftguard.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.eventgrid.EventGridEvent;
import com.azure.messaging.eventgrid.systemevents.ResourceWriteSuccessEventData;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

// ResourceWriteSuccessEventData is deprecated in favour of azure-messaging-eventgrid-systemevents, not available here.
@SuppressWarnings("deprecation")
class ResourceWriteEventsTest {
  private static final String OBJECTID_CLAIM = "http://schemas.microsoft.com/identity/claims/objectidentifier";
  private static final String UPN_CLAIM = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn";
  private static final Caller ALICE =
      Caller.user("alice@contoso.com", "Alice Admin", "5a1ce000-0000-4000-8000-000000000001", "203.0.113.7");

  private Sandbox sandbox;
  private ArmTestClient client;
  private SiteHandle site;

  @BeforeEach
  void start() {
    sandbox = Sandbox.start();
    client = new ArmTestClient(sandbox);
    site = sandbox.arm().seedSite("sub-1", "rg", "func", "functionapp", Map.of(), true, Map.of());
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  @Test
  void theTagsApiWritesASitesOrSlotsTagsAndEmitsATagsWrite() {
    SiteHandle slot = sandbox.arm().seedSlot("sub-1", "rg", "func", "staging", true, Map.of());
    for (SiteHandle target : List.of(site, slot)) {
      String tagsId = target.tagsId();
      sandbox.arm().write(ALICE, "PUT", tagsId, "{\"properties\":{\"tags\":{\"team\":\"orders\",\"cost\":\"1\"}}}");
      sandbox.arm().write(ALICE, "PATCH", tagsId,
          "{\"operation\":\"Merge\",\"properties\":{\"tags\":{\"driftguard-exempt\":\"all\"}}}");
      assertEquals(Map.of("team", "orders", "cost", "1", "driftguard-exempt", "all"), sandbox.arm().site(target.id()).get("tags"));
      sandbox.arm().write(ALICE, "PATCH", tagsId,
          "{\"operation\":\"Delete\",\"properties\":{\"tags\":{\"driftguard-exempt\":\"all\"}}}");
      assertEquals(Map.of("team", "orders", "cost", "1"), sandbox.arm().site(target.id()).get("tags"));
      sandbox.arm().write(ALICE, "PATCH", tagsId, "{\"operation\":\"Replace\",\"properties\":{\"tags\":{\"a\":\"b\"}}}");
      assertEquals(Map.of("a", "b"), sandbox.arm().site(target.id()).get("tags"));
      assertThrows(IllegalStateException.class, () -> sandbox.arm().write(ALICE, "PATCH", tagsId,
          "{\"operation\":\"Upsert\",\"properties\":{\"tags\":{}}}"));

      List<String> events = sandbox.arm().drainEmittedEvents();
      assertEquals(4, events.size());
      EventGridEvent event = EventGridEvent.fromString(events.get(0)).get(0);
      assertEquals(tagsId, event.getSubject());
      ResourceWriteSuccessEventData data = event.getData().toObject(ResourceWriteSuccessEventData.class);
      assertEquals("Microsoft.Resources/tags/write", data.getOperationName());
      assertEquals("Microsoft.Resources/tags/write", data.getResourceAuthorization().getAction());
      assertEquals(tagsId, data.getResourceUri());
      assertEquals("Microsoft.Resources", data.getResourceProvider());
    }
  }

  @Test
  void aPersonsWriteEmitsResourceWriteSuccessWithTheirClaims() {
    sandbox.arm().write(ALICE, "PATCH", site.webConfigId(), "{\"properties\":{\"ftpsState\":\"AllAllowed\"}}");

    assertEquals("AllAllowed", SiteResourcesTest.properties(sandbox.arm().webConfig(site.id())).get("ftpsState"));
    List<String> events = sandbox.arm().drainEmittedEvents();
    assertEquals(1, events.size());
    assertTrue(sandbox.arm().emittedEvents().isEmpty(), "drained");

    EventGridEvent event = EventGridEvent.fromString(events.get(0)).get(0);
    assertEquals("Microsoft.Resources.ResourceWriteSuccess", event.getEventType());
    assertEquals("/subscriptions/sub-1", event.getTopic());
    assertEquals(site.webConfigId(), event.getSubject());
    assertEquals("2", event.getDataVersion());
    ResourceWriteSuccessEventData data = event.getData().toObject(ResourceWriteSuccessEventData.class);
    assertEquals("Microsoft.Web/sites/config/write", data.getOperationName());
    assertEquals("Microsoft.Web/sites/config/write", data.getResourceAuthorization().getAction());
    assertEquals(site.webConfigId(), data.getResourceAuthorization().getScope());
    assertEquals(site.webConfigId(), data.getResourceUri());
    assertEquals("Succeeded", data.getStatus());
    assertEquals("sub-1", data.getSubscriptionId());
    assertEquals("Microsoft.Web", data.getResourceProvider());
    Map<String, String> evidence = data.getResourceAuthorization().getEvidence();
    assertEquals(ALICE.objectId(), evidence.get("principalId"));
    assertEquals("User", evidence.get("principalType"));
    Map<String, String> claims = data.getResourceClaims();
    assertEquals(ALICE.objectId(), claims.get(OBJECTID_CLAIM));
    assertEquals("alice@contoso.com", claims.get(UPN_CLAIM));
    assertEquals("Alice Admin", claims.get("name"));
    assertEquals("203.0.113.7", claims.get("ipaddr"));
    assertEquals("PATCH", data.getResourceHttpRequest().getMethod().toString());
    assertEquals("203.0.113.7", data.getResourceHttpRequest().getClientIpAddress());
    assertTrue(data.getResourceHttpRequest().getUrl().startsWith(sandbox.armEndpoint() + site.webConfigId().substring(1)));

    RecordedRequest logged = sandbox.arm().requests().get(0);
    assertEquals(ALICE.objectId(), logged.callerObjectId());
  }

  @Test
  void theBotsOwnWritesCarryItsServicePrincipalIdentity() {
    HttpResponse<String> response = client.arm("PATCH", site.id(), "{\"properties\":{\"httpsOnly\":true}}");
    String correlationId = response.headers().firstValue("x-ms-correlation-request-id").orElseThrow();

    ResourceWriteSuccessEventData data = onlyEvent();
    assertEquals("Microsoft.Web/sites/write", data.getOperationName());
    assertEquals(sandbox.botObjectId(), data.getResourceClaims().get(OBJECTID_CLAIM));
    assertEquals("ServicePrincipal", data.getResourceAuthorization().getEvidence().get("principalType"));
    assertFalse(data.getResourceClaims().containsKey(UPN_CLAIM));
    assertEquals(correlationId, data.getCorrelationId());
    assertEquals("https://management.core.windows.net/", data.getResourceClaims().get("aud"));
  }

  @Test
  void slotAndPolicyWritesUseTheirOwnActions() {
    SiteHandle slot = sandbox.arm().seedSlot("sub-1", "rg", "func", "staging", true, Map.of());
    Caller pipeline = Caller.servicePrincipal("a9e1f1c0-0000-4000-8000-000000000002",
        "a9e1f1c0-0000-4000-8000-000000000003", "deploy-pipeline");

    sandbox.arm().write(pipeline, "PATCH", slot.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.0\"}}");
    sandbox.arm().write(pipeline, "PUT", slot.publishingPolicyId("ftp"), "{\"properties\":{\"allow\":true}}");
    client.arm("PUT", site.publishingPolicyId("scm"), "{\"properties\":{\"allow\":false}}");

    List<String> actions = sandbox.arm().drainEmittedEvents().stream()
        .map(json -> EventGridEvent.fromString(json).get(0))
        .map(e -> e.getData().toObject(ResourceWriteSuccessEventData.class).getOperationName())
        .toList();
    assertEquals(List.of("Microsoft.Web/sites/slots/config/write",
        "Microsoft.Web/sites/slots/basicPublishingCredentialsPolicies/write",
        "Microsoft.Web/sites/basicPublishingCredentialsPolicies/write"), actions);
  }

  @Test
  void readsFailuresAndUnauthenticatedRequestsEmitNothing() {
    client.get(site.webConfigId());
    client.arm("POST", site.id() + "/config/appsettings/list", null);
    client.arm("PATCH", site.id().replace("func", "missing"), "{\"properties\":{}}");
    client.raw("PATCH", site.id() + "?api-version=2025-03-01", "{\"properties\":{}}", null);
    assertThrows(IllegalStateException.class,
        () -> sandbox.arm().write(ALICE, "PATCH", site.id() + "/config/nothing", "{}"));

    assertTrue(sandbox.arm().emittedEvents().isEmpty());
  }

  @Test
  void concurrentWritesAllLandAndEachEmitsOneEvent() throws Exception {
    List<String> settings = IntStream.range(0, 16).mapToObj(i -> "setting" + i).toList();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<HttpResponse<String>>> writes = settings.stream()
          .map(name -> pool.submit(() -> client.arm(
              "PATCH", site.webConfigId(), "{\"properties\":{\"" + name + "\":true}}")))
          .toList();
      for (Future<HttpResponse<String>> write : writes) {
        assertEquals(200, write.get().statusCode());
      }
    } finally {
      pool.shutdown();
    }

    Map<String, Object> config = SiteResourcesTest.properties(sandbox.arm().webConfig(site.id()));
    settings.forEach(name -> assertEquals(true, config.get(name), name));
    assertEquals(settings.size(), sandbox.arm().emittedEvents().size());
  }

  private ResourceWriteSuccessEventData onlyEvent() {
    List<String> events = sandbox.arm().drainEmittedEvents();
    assertEquals(1, events.size());
    return EventGridEvent.fromString(events.get(0)).get(0).getData().toObject(ResourceWriteSuccessEventData.class);
  }
}
