package io.driftguard.policy;

import java.util.Locale;

/** Parses the lower-case labels settings and tags use for enum values. */
final class Labels {

  private Labels() {}

  /** The value whose lower-case name is {@code text} (case-insensitive, surrounding spaces ignored). */
  static <E extends Enum<E>> E parse(E[] values, String text, String expected) {
    String normalized = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (E value : values) {
      if (value.name().toLowerCase(Locale.ROOT).equals(normalized)) {
        return value;
      }
    }
    throw new IllegalArgumentException("must be " + expected + ", not '" + text + "'");
  }
}
