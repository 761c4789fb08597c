package io.driftguard.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What people read: no control character but line ends, no bidi control, no invisible character, and no flood echoed
 * in full.
 */
final class Printed {

  private static final Pattern UNPRINTABLE = Pattern.compile("[\\p{Cc}\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064"
      + "\u2066-\u2069\ufeff\\x{E0000}-\\x{E007F}&&[^\n]]");

  private Printed() {}

  /** Floods are runs of one of the letters A to D, as the hostile tests send them. */
  static void assertPrintable(String text) {
    Matcher unprintable = UNPRINTABLE.matcher(text);
    assertFalse(unprintable.find(), () -> "U+" + Integer.toHexString(text.codePointAt(unprintable.start()))
        + " after: " + text.substring(Math.max(0, unprintable.start() - 80), unprintable.start()));
    for (String flood : List.of("A", "B", "C", "D")) {
      assertFalse(text.contains(flood.repeat(201)), flood + " echoed in full");
    }
  }
}
