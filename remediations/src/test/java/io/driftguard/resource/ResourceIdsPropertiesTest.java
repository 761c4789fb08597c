package io.driftguard.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Thousands of generated and mutated ids a run: the parser refuses cleanly, and what it accepts is canonical and safe. */
class ResourceIdsPropertiesTest {

  private static final int EXAMPLES = 4_000;
  private static final String VALID = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-prod"
      + "/providers/Microsoft.Web/sites/func-orders/slots/staging/config/web";
  /** Pieces attackers splice in: traversal, encodings, look-alikes, separators, other providers. */
  private static final List<String> HOSTILE = List.of("..", ".", "%2e%2e", "%2F", "/", "//", "?", "#", "\\", "\u0430",
      "\uff0f", "\u200b", " ", "\n", "\u0000", "providers", "Microsoft.Storage", "slots", "config", "sites", "-", "_", "(",
      "00000000-0000-0000-0000-000000000002", "x".repeat(70));

  private static Gen<String> mutatedIds() {
    return integers().between(0, VALID.length()).zip(integers().between(0, 5), Generate.pick(HOSTILE),
        (position, cut, piece) -> VALID.substring(0, position) + piece + VALID.substring(Math.min(VALID.length(), position + cut)));
  }

  /** Either a target or InvalidResourceIdException: never another exception. */
  private static Optional<ResourceTarget> parse(String id) {
    try {
      return Optional.of(ResourceIds.parse(id));
    } catch (InvalidResourceIdException refused) {
      assertFalse(refused.getMessage().isBlank());
      assertTrue(refused.getMessage().length() < 200, "a refusal does not echo the input at length");
      return Optional.empty();
    }
  }

  private static void acceptedIsCanonicalAndSafe(String input, ResourceTarget target) {
    String canonical = target.site().id();
    assertTrue(input.toLowerCase(Locale.ROOT).startsWith(canonical.toLowerCase(Locale.ROOT)), input);
    assertTrue(canonical.matches("[A-Za-z0-9/._()-]+"), canonical);
    assertFalse(canonical.contains("..") || canonical.contains("//"), canonical);
    assertEquals(target.site(), parse(canonical).orElseThrow().site(), "the canonical id parses to itself");
  }

  @Test
  void arbitraryStringsAreRefusedCleanly() {
    qt().withExamples(EXAMPLES).forAll(strings().allPossible().ofLengthBetween(0, 300))
        .checkAssert(input -> parse(input).ifPresent(target -> acceptedIsCanonicalAndSafe(input, target)));
  }

  @Test
  void mutatedValidIdsAreRefusedOrStillCanonical() {
    qt().withExamples(EXAMPLES).forAll(mutatedIds())
        .checkAssert(input -> parse(input).ifPresent(target -> acceptedIsCanonicalAndSafe(input, target)));
  }

  @Test
  void everyWellFormedIdIsAccepted() {
    Gen<String> names = strings().betweenCodePoints('a', 'z').ofLengthBetween(1, 20);
    qt().withExamples(EXAMPLES).forAll(names, names, names, Generate.booleans()).checkAssert((group, site, slot, withSlot) -> {
      String id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/" + group
          + "/providers/Microsoft.Web/sites/" + site + (withSlot ? "/slots/" + slot : "") + "/config/web";
      SiteRef ref = parse(id).orElseThrow(() -> new AssertionError("refused a well-formed id: " + id)).site();
      assertEquals(group, ref.resourceGroup());
      assertEquals(site, ref.site());
      assertEquals(withSlot ? Optional.of(slot) : Optional.empty(), ref.slot());
    });
  }
}
