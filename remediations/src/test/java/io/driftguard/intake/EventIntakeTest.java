package io.driftguard.intake;

import static io.driftguard.intake.TestEvents.configWrite;
import static io.driftguard.intake.TestEvents.siteId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventIntakeTest {

  private static final Instant NOW = Instant.parse("2031-05-06T07:08:09Z");

  private final EventIntake intake = new EventIntake(Clock.fixed(NOW, ZoneOffset.UTC));

  private Screened screenOne(String json) throws MalformedDeliveryException {
    List<Screened> screened = intake.screen(json);
    assertEquals(1, screened.size());
    return screened.get(0);
  }

  @Test
  void acceptsAConfigWriteAndNormalisesItToTheSite() throws Exception {
    ObjectNode event = configWrite("func-a");
    WriteEvent accepted = assertInstanceOf(Screened.Accepted.class, screenOne(event.toString())).event();
    assertEquals(siteId("func-a"), accepted.site().id());
    assertEquals(event.get("id").asText(), accepted.eventId());
    assertEquals(Optional.of("Microsoft.Web/sites/config/write"), accepted.operationName());
    assertEquals("alice@contoso.com", accepted.caller().displayName());
    assertEquals(Optional.of(TestEvents.ALICE_OID), accepted.caller().objectId());
    assertEquals(Optional.of("203.0.113.7"), accepted.caller().ipAddress());
  }

  @Test
  void anEventWithoutATimeOfItsOwnTakesTheIntakesClock() throws Exception {
    ObjectNode event = TestEvents.asCloudEvent(configWrite("func-a"));
    event.remove("time");
    WriteEvent accepted = assertInstanceOf(Screened.Accepted.class, screenOne(event.toString())).event();
    assertEquals(OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC), accepted.eventTime());
  }

  @Test
  void acceptsArraysAndCloudEvents() throws Exception {
    ObjectNode first = configWrite("func-a");
    String delivery = "[" + first + "," + TestEvents.asCloudEvent(configWrite("func-b")) + "]";
    List<Screened> screened = intake.screen(delivery);
    assertEquals(2, screened.size());
    assertEquals("func-a", ((Screened.Accepted) screened.get(0)).event().site().site());
    assertEquals("func-b", ((Screened.Accepted) screened.get(1)).event().site().site());
  }

  @Test
  void ignoresValidationAndOtherEventTypesWithAReason() throws Exception {
    ObjectNode validation = configWrite("func-a");
    validation.put("eventType", EventIntake.SUBSCRIPTION_VALIDATION);
    validation.set("data", validation.objectNode().put("validationCode", "512d38b6"));
    Screened.Ignored ignored = assertInstanceOf(Screened.Ignored.class, screenOne(validation.toString()));
    assertTrue(ignored.reason().contains("validation"));

    ObjectNode delete = configWrite("func-a");
    delete.put("eventType", "Microsoft.Resources.ResourceDeleteSuccess");
    assertTrue(assertInstanceOf(Screened.Ignored.class, screenOne(delete.toString())).reason().contains("not handled"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
      "0000-12-31T23:59:59Z", "1600-12-31T23:59:59Z"})
  void anEventTimeNoClockOrTableReachesIsRejectedWithTheReasonInEitherSchema(String time) throws Exception {
    ObjectNode event = configWrite("func-a");
    event.put("eventTime", time);
    ObjectNode cloudEvent = TestEvents.asCloudEvent(configWrite("func-a"));
    cloudEvent.put("time", time);
    for (ObjectNode hostile : List.of(event, cloudEvent)) {
      String reason = assertInstanceOf(Screened.Rejected.class, screenOne(hostile.toString()), time).reason();
      assertTrue(reason.contains("lies outside the years 1601 to 9999"), reason);
    }
  }

  @Test
  void anEventIdOrCorrelationIdLongerThanAnyAzureSendsIsRejectedAndAnOverlongClaimIsUnknown() throws Exception {
    ObjectNode longId = configWrite("func-a");
    longId.put("id", "e".repeat(300));
    Screened.Rejected rejected = assertInstanceOf(Screened.Rejected.class, screenOne(longId.toString()));
    assertEquals("the event's id is 300 characters long (at most 256)", rejected.reason());
    assertTrue(rejected.eventId().length() < 300, "the decision shows it abbreviated");

    ObjectNode longCorrelation = configWrite("func-a");
    ((ObjectNode) longCorrelation.get("data")).put("correlationId", "c".repeat(257));
    assertEquals("data.correlationId is 257 characters long (at most 256)",
        assertInstanceOf(Screened.Rejected.class, screenOne(longCorrelation.toString())).reason());

    ObjectNode longClaim = configWrite("func-a");
    ((ObjectNode) longClaim.get("data").get("claims")).put("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
        "a".repeat(100_000) + "@contoso.com");
    WriteEvent accepted = assertInstanceOf(Screened.Accepted.class, screenOne(longClaim.toString())).event();
    assertEquals(Optional.empty(), accepted.caller().upn());
  }

  @Test
  void ignoresWritesThatCannotChangeAControl() throws Exception {
    ObjectNode appSettings = TestEvents.write(siteId("func-a") + "/config/appsettings", "Microsoft.Web/sites/config/write");
    assertInstanceOf(Screened.Ignored.class, screenOne(appSettings.toString()));
    ObjectNode function = TestEvents.write(siteId("func-a") + "/functions/f", "Microsoft.Web/sites/functions/write");
    assertInstanceOf(Screened.Ignored.class, screenOne(function.toString()));
    ObjectNode authList = TestEvents.write(siteId("func-a") + "/config/authsettings", "Microsoft.Web/sites/config/write");
    assertInstanceOf(Screened.Ignored.class, screenOne(authList.toString()));
  }

  @Test
  void handlesTheWritesOfEveryDocumentControlsRead() throws Exception {
    ObjectNode ftpPolicy = TestEvents.write(siteId("func-a") + "/basicPublishingCredentialsPolicies/ftp",
        "Microsoft.Web/sites/basicPublishingCredentialsPolicies/write");
    assertInstanceOf(Screened.Accepted.class, screenOne(ftpPolicy.toString()));
    ObjectNode scmPolicy = TestEvents.write(siteId("func-a") + "/slots/blue/basicPublishingCredentialsPolicies/scm",
        "Microsoft.Web/sites/slots/basicPublishingCredentialsPolicies/scm/write");
    assertInstanceOf(Screened.Accepted.class, screenOne(scmPolicy.toString()));
    ObjectNode auth = TestEvents.write(siteId("func-a") + "/config/authsettingsV2", "Microsoft.Web/sites/config/write");
    assertInstanceOf(Screened.Accepted.class, screenOne(auth.toString()));
    // A member of a collection the controls read: a host name added to a slot.
    ObjectNode binding = TestEvents.write(siteId("func-a") + "/slots/blue/hostNameBindings/www.contoso.com",
        "Microsoft.Web/sites/slots/hostNameBindings/write");
    assertInstanceOf(Screened.Accepted.class, screenOne(binding.toString()));
    // The documents' own operations come from the catalog (InfraContractTest holds the event filter to them): these
    // are among them, once each, in order.
    assertTrue(HandledOperations.ALL.containsAll(List.of("Microsoft.Resources/tags/write",
        "Microsoft.Web/sites/basicPublishingCredentialsPolicies/ftp/write",
        "Microsoft.Web/sites/basicPublishingCredentialsPolicies/write", "Microsoft.Web/sites/config/write",
        "Microsoft.Web/sites/slots/basicPublishingCredentialsPolicies/scm/write", "Microsoft.Web/sites/slots/config/write",
        "Microsoft.Web/sites/slots/write", "Microsoft.Web/sites/write")), HandledOperations.ALL.toString());
    assertEquals(HandledOperations.ALL.stream().distinct().sorted().toList(), HandledOperations.ALL);
  }

  @Test
  void acceptsATagsApiWriteOnASiteOrSlotAsAWriteOfTheSite() throws Exception {
    for (String site : List.of(siteId("func-a"), siteId("func-a") + "/slots/staging")) {
      ObjectNode tags = TestEvents.write(site + "/providers/Microsoft.Resources/tags/default", "Microsoft.Resources/tags/write");
      WriteEvent accepted = assertInstanceOf(Screened.Accepted.class, screenOne(tags.toString())).event();
      assertEquals(site, accepted.site().id());
      assertEquals(Optional.of("Microsoft.Resources/tags/write"), accepted.operationName());
    }
    ObjectNode noOperation = TestEvents.write(siteId("func-a") + "/providers/Microsoft.Resources/tags/default", "");
    assertInstanceOf(Screened.Accepted.class, screenOne(noOperation.toString()));
  }

  @Test
  void refusesOtherExtensionResourcesAndTheTagsOperationOnAnythingButTheTagsResource() throws Exception {
    ObjectNode lock = TestEvents.write(siteId("func-a") + "/providers/Microsoft.Authorization/locks/l1",
        "Microsoft.Authorization/locks/write");
    assertTrue(assertInstanceOf(Screened.Rejected.class, screenOne(lock.toString())).reason()
        .contains("extension resource"));
    ObjectNode tagsElsewhere = TestEvents.write(siteId("func-a") + "/providers/Microsoft.Resources/tags/other",
        "Microsoft.Resources/tags/write");
    assertInstanceOf(Screened.Rejected.class, screenOne(tagsElsewhere.toString()));
    ObjectNode tagsOperationOnSite = TestEvents.write(siteId("func-a"), "Microsoft.Resources/tags/write");
    assertTrue(assertInstanceOf(Screened.Rejected.class, screenOne(tagsOperationOnSite.toString())).reason()
        .contains("Microsoft.Resources/tags/write"));
    ObjectNode siteOperationOnTags = TestEvents.write(siteId("func-a") + "/providers/Microsoft.Resources/tags/default",
        "Microsoft.Web/sites/write");
    assertInstanceOf(Screened.Rejected.class, screenOne(siteOperationOnTags.toString()));
  }

  @Test
  void rejectsASubjectThatDisagreesWithTheResource() throws Exception {
    ObjectNode event = configWrite("func-a");
    event.put("subject", siteId("func-b"));
    assertTrue(assertInstanceOf(Screened.Rejected.class, screenOne(event.toString())).reason().contains("subject"));
  }

  @Test
  void rejectsAResourceInAnotherSubscriptionThanTheTopic() throws Exception {
    ObjectNode event = configWrite("func-a");
    event.put("topic", "/subscriptions/99999999-0000-0000-0000-000000000000");
    assertInstanceOf(Screened.Rejected.class, screenOne(event.toString()));
    ObjectNode customTopic = configWrite("func-a");
    customTopic.put("topic", "/subscriptions/" + TestEvents.SUBSCRIPTION + "/resourceGroups/rg/providers/Microsoft.EventGrid/topics/t");
    assertInstanceOf(Screened.Rejected.class, screenOne(customTopic.toString()));
    ObjectNode dataMismatch = configWrite("func-a");
    ((ObjectNode) dataMismatch.get("data")).put("subscriptionId", "99999999-0000-0000-0000-000000000000");
    assertInstanceOf(Screened.Rejected.class, screenOne(dataMismatch.toString()));
  }

  /** A resource group's system topic, as published in the Event Grid docs: topic (or CloudEvents source) names the group. */
  @Test
  void acceptsTheSystemTopicOfTheResourcesOwnResourceGroupInBothSchemas() throws Exception {
    for (String topic : List.of("/subscriptions/" + TestEvents.SUBSCRIPTION + "/resourceGroups/rg",
        "/subscriptions/" + TestEvents.SUBSCRIPTION.toUpperCase(java.util.Locale.ROOT) + "/resourcegroups/RG")) {
      ObjectNode event = configWrite("func-a");
      event.put("topic", topic);
      assertEquals("func-a", assertInstanceOf(Screened.Accepted.class, screenOne(event.toString())).event().site().site(), topic);
      assertEquals("func-a", assertInstanceOf(Screened.Accepted.class, screenOne(TestEvents.asCloudEvent(event).toString()))
          .event().site().site(), "source " + topic);
    }
  }

  @Test
  void rejectsTheSystemTopicOfAnotherResourceGroupOrSubscriptionInBothSchemas() throws Exception {
    for (String topic : List.of("/subscriptions/" + TestEvents.SUBSCRIPTION + "/resourceGroups/rg-other",
        "/subscriptions/" + TestEvents.SUBSCRIPTION + "/resourceGroups/r",
        "/subscriptions/99999999-0000-0000-0000-000000000000/resourceGroups/rg",
        "/subscriptions/" + TestEvents.SUBSCRIPTION + "/resourceGroups/rg/",
        "/subscriptions/" + TestEvents.SUBSCRIPTION + "/resourceGroups/",
        "/subscriptions/" + TestEvents.SUBSCRIPTION + "/resourceGroups/rg/providers/Microsoft.Web/sites/func-a")) {
      ObjectNode event = configWrite("func-a");
      event.put("topic", topic);
      assertInstanceOf(Screened.Rejected.class, screenOne(event.toString()), topic);
      assertInstanceOf(Screened.Rejected.class, screenOne(TestEvents.asCloudEvent(event).toString()), "source " + topic);
    }
  }

  @Test
  void rejectsHostileResourceIdsAndForeignOperations() throws Exception {
    String traversal = siteId("func-a") + "/../../../providers/Microsoft.Authorization/roleAssignments/x";
    ObjectNode event = TestEvents.write(traversal, "Microsoft.Web/sites/config/write");
    Screened.Rejected rejected = assertInstanceOf(Screened.Rejected.class, screenOne(event.toString()));
    assertTrue(rejected.reason().startsWith("data.resourceUri refused"));

    ObjectNode foreign = TestEvents.write(siteId("func-a"), "Microsoft.Authorization/roleAssignments/write");
    assertInstanceOf(Screened.Rejected.class, screenOne(foreign.toString()));
  }

  @Test
  void rejectsEventsWithoutResourceOrData() throws Exception {
    ObjectNode noUri = configWrite("func-a");
    ((ObjectNode) noUri.get("data")).remove("resourceUri");
    assertInstanceOf(Screened.Rejected.class, screenOne(noUri.toString()));
    ObjectNode wrongType = configWrite("func-a");
    ((ObjectNode) wrongType.get("data")).putArray("claims").add(1);
    assertInstanceOf(Screened.Rejected.class, screenOne(wrongType.toString()));
  }

  @Test
  void toleratesMissingClaims() throws Exception {
    ObjectNode event = configWrite("func-a");
    ((ObjectNode) event.get("data")).remove(List.of("claims", "authorization", "httpRequest"));
    WriteEvent accepted = assertInstanceOf(Screened.Accepted.class, screenOne(event.toString())).event();
    assertEquals(Caller.UNKNOWN, accepted.caller());
    assertEquals("an unknown caller", accepted.caller().displayName());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "not json", "{\"id\":", "42", "\"text\"", "[]", "[1,2]", "null",
      "{\"hello\":\"world\"}", "{\"eventType\":\"x\"}"})
  void refusesDeliveriesThatAreNotEvents(String delivery) {
    MalformedDeliveryException refused = assertThrows(MalformedDeliveryException.class, () -> intake.screen(delivery));
    assertTrue(!refused.getMessage().isBlank());
  }

  @Test
  void refusesOversizedAndDeeplyNestedDeliveries() {
    String huge = "[" + "\"x\",".repeat(EventIntake.MAX_DELIVERY_BYTES / 4) + "\"x\"]";
    assertTrue(assertThrows(MalformedDeliveryException.class, () -> intake.screen(huge)).getMessage().contains("bytes"));
    String deep = "[".repeat(5000) + "]".repeat(5000);
    assertThrows(MalformedDeliveryException.class, () -> intake.screen(deep));
  }
}
