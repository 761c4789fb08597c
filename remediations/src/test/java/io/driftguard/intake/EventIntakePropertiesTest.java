package io.driftguard.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Thousands of broken, mutated and hostile deliveries a run: intake either screens every event or refuses the
 * delivery as malformed, never with another exception, and whatever it accepts names a site in the event's own
 * subscription.
 */
class EventIntakePropertiesTest {

  private static final int EXAMPLES = 3_000;
  private final EventIntake intake = new EventIntake(Clock.systemUTC());

  /** A JSON value of a surprising type: what a crafted event puts where a string or object belongs. */
  private static final List<JsonNode> ODD_VALUES = List.of(
      JsonNodeFactory.instance.nullNode(), JsonNodeFactory.instance.numberNode(42), JsonNodeFactory.instance.booleanNode(true),
      JsonNodeFactory.instance.textNode(""), JsonNodeFactory.instance.textNode("/subscriptions/x/../y"),
      JsonNodeFactory.instance.textNode("\u0000\uffff"), JsonNodeFactory.instance.arrayNode().add(1),
      JsonNodeFactory.instance.objectNode().put("a", "b"),
      JsonNodeFactory.instance.textNode(TestEvents.siteId("func-b") + "/config/web"),
      JsonNodeFactory.instance.textNode("/subscriptions/99999999-0000-0000-0000-000000000000"));

  /** Every field of an event, as the names leading to it (claim names hold slashes, so no JSON pointers). */
  private static List<List<String>> fields(JsonNode node, List<String> prefix) {
    List<List<String>> fields = new ArrayList<>();
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      List<String> path = new ArrayList<>(prefix);
      path.add(names.next());
      fields.add(path);
      if (node.get(path.get(path.size() - 1)).isObject()) {
        fields.addAll(fields(node.get(path.get(path.size() - 1)), path));
      }
    }
    return fields;
  }

  /** A valid event with one field removed or replaced by an odd value. */
  private static Gen<String> mutatedEvents() {
    List<List<String>> fields = fields(TestEvents.configWrite("func-a"), List.of());
    return Generate.pick(fields).zip(Generate.pick(ODD_VALUES), Generate.booleans(), (path, value, remove) -> {
      ObjectNode event = TestEvents.configWrite("func-a");
      ObjectNode parent = event;
      for (String name : path.subList(0, path.size() - 1)) {
        parent = (ObjectNode) parent.get(name);
      }
      String field = path.get(path.size() - 1);
      if (remove) {
        parent.remove(field);
      } else {
        parent.set(field, value);
      }
      return event.toString();
    });
  }

  /** Screens, or refuses as malformed: never another exception. */
  private Optional<List<Screened>> screen(String delivery) {
    try {
      return Optional.of(intake.screen(delivery));
    } catch (MalformedDeliveryException refused) {
      assertFalse(refused.getMessage().isBlank());
      return Optional.empty();
    }
  }

  private static void acceptedEventsStayInTheirSubscription(List<Screened> screened) {
    for (Screened verdict : screened) {
      if (verdict instanceof Screened.Accepted accepted) {
        assertEquals(TestEvents.SUBSCRIPTION, accepted.event().site().subscriptionId());
      } else if (verdict instanceof Screened.Rejected rejected) {
        assertFalse(rejected.reason().isBlank());
        assertTrue(rejected.reason().length() < 400, "a reason does not echo hostile input at length");
      }
    }
  }

  @Test
  void mutatedEventsAreScreenedOrRefusedNeverCrash() {
    qt().withExamples(EXAMPLES).forAll(mutatedEvents())
        .checkAssert(delivery -> screen(delivery).ifPresent(EventIntakePropertiesTest::acceptedEventsStayInTheirSubscription));
  }

  @Test
  void truncatedAndSplicedDeliveriesAreRefusedCleanly() {
    String valid = "[" + TestEvents.configWrite("func-a") + "," + TestEvents.asCloudEvent(TestEvents.configWrite("func-b")) + "]";
    qt().withExamples(EXAMPLES)
        .forAll(integers().between(0, valid.length()), integers().between(0, 20), strings().allPossible().ofLengthBetween(0, 8))
        .checkAssert((position, cut, splice) -> {
          String delivery = valid.substring(0, position) + splice + valid.substring(Math.min(valid.length(), position + cut));
          screen(delivery).ifPresent(EventIntakePropertiesTest::acceptedEventsStayInTheirSubscription);
        });
  }

  @Test
  void arbitraryTextIsRefusedCleanly() {
    qt().withExamples(EXAMPLES).forAll(strings().allPossible().ofLengthBetween(0, 200))
        .checkAssert(text -> screen(text).ifPresent(EventIntakePropertiesTest::acceptedEventsStayInTheirSubscription));
  }

  @Test
  void anAcceptedEventNamesTheSiteOfItsResourceUri() {
    qt().withExamples(EXAMPLES).forAll(mutatedEvents()).checkAssert(delivery -> screen(delivery).ifPresent(screened -> {
      for (Screened verdict : screened) {
        if (verdict instanceof Screened.Accepted accepted) {
          String uri = readResourceUri(delivery);
          assertTrue(uri.toLowerCase(Locale.ROOT).startsWith(accepted.event().site().key()), uri);
        }
      }
    }));
  }

  /** Any resource group's system topic, in either schema: accepted exactly when it is the group of the resource. */
  @Test
  void aResourceGroupTopicIsAcceptedOnlyForTheResourcesOwnGroup() {
    Gen<String> groups = Generate.pick(List.of("rg", "RG", "rG", "rg2", "r", "rg-shop", "rg.", "rg(1)", "x", "rg%2F"))
        .mix(strings().betweenCodePoints('(', 'z').ofLengthBetween(1, 12));
    qt().withExamples(500).forAll(groups, Generate.booleans()).checkAssert((group, cloudEvent) -> {
      ObjectNode event = TestEvents.configWrite("func-a");
      event.put("topic", "/subscriptions/" + TestEvents.SUBSCRIPTION + "/resourceGroups/" + group);
      String delivery = (cloudEvent ? TestEvents.asCloudEvent(event) : event).toString();
      List<Screened> screened = screen(delivery).orElseThrow();
      assertEquals(group.equalsIgnoreCase("rg"), screened.get(0) instanceof Screened.Accepted, group + " " + screened);
    });
  }

  private static String readResourceUri(String delivery) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(delivery).at("/data/resourceUri").asText();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
