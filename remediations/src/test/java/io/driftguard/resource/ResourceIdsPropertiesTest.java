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
      "00000000-0000-0000-0000-000000000002", "x".repeat(70), "\u017f", "\u212a", "\u00e9", "\u00a0", "\u202e", "\ufeff");
  /** Letters ARM allows in resource group names, from several scripts, and the punctuation it allows. */
  private static final List<String> GROUP_CHARACTERS = List.of("a", "Z", "7", "-", "_", "(", ")", "\u00e9", "\u00df",
      "\u0416", "\u03a9", "\u05d0", "\u0628", "\u0e01", "\u30ea", "\u4e2d", "\uac00", "\u0661", "\u0301",
      "\ud835\udc00");
  /** Letters that look like ASCII ones: none may stand for a literal segment. */
  private static final List<String> LOOK_ALIKES = List.of("\u0430", "\u0435", "\u043e", "\u0455", "\u017f", "\u212a",
      "\uff53", "\u0131", "\u0456");
  private static final List<String> LITERALS = List.of("subscriptions", "resourceGroups", "providers", "Microsoft.Web",
      "sites", "slots");

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
    SiteRef site = target.site();
    assertTrue(site.resourceGroup().matches("[\\p{L}\\p{Mn}\\p{Nd}\\p{Pc}._()-]+"), canonical);
    assertTrue(canonical.replace(site.resourceGroup(), "").matches("[A-Za-z0-9/._-]+"), "ASCII outside the group: " + canonical);
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

  /** Resource group names as ARM accepts them: 1 to 90 of its characters, not ending in '.', and no "..". */
  private static Gen<String> unicodeGroups() {
    return Generate.pick(GROUP_CHARACTERS).zip(Generate.pick(GROUP_CHARACTERS), Generate.pick(GROUP_CHARACTERS),
        integers().between(1, 20), (a, b, c, repeat) -> (a + b + c).repeat(repeat));
  }

  @Test
  void everyUnicodeResourceGroupArmAcceptsIsAccepted() {
    qt().withExamples(EXAMPLES).forAll(unicodeGroups(), Generate.booleans()).checkAssert((group, withSlot) -> {
      String id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/" + group
          + "/providers/Microsoft.Web/sites/func-orders" + (withSlot ? "/slots/staging" : "") + "/config/web";
      SiteRef ref = parse(id).orElseThrow(() -> new AssertionError("refused a well-formed id: " + id)).site();
      assertEquals(group, ref.resourceGroup());
      acceptedIsCanonicalAndSafe(id, new ResourceTarget(ref, Optional.empty()));
    });
  }

  @Test
  void aLookAlikeLetterInAnyLiteralSegmentIsRefused() {
    qt().withExamples(EXAMPLES).forAll(Generate.pick(LITERALS), integers().between(0, 12), Generate.pick(LOOK_ALIKES))
        .checkAssert((literal, position, lookAlike) -> {
          int at = position % literal.length();
          String forged = literal.substring(0, at) + lookAlike + literal.substring(at + 1);
          String id = VALID.replaceFirst("/" + literal + "/", "/" + forged + "/");
          assertEquals(Optional.empty(), parse(id), "accepted a look-alike literal: " + forged);
        });
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
