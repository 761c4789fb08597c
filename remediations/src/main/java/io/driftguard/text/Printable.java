package io.driftguard.text;

import java.util.regex.Pattern;

/**
 * Text from events, ARM and storage as it may be shown to people: terminal escape sequences, control characters
 * (C0, DEL, C1), bidi controls that reorder a line, and invisible characters (zero-width, invisible format characters,
 * the soft hyphen, the byte order mark, the tag block that spells hidden ASCII) become {@code ?}, and an echoed value
 * is cut short, so a crafted value can neither drive a terminal, hide text nor flood a log or an alert. An invisible
 * character shows as {@code ?} rather than vanishing, so that {@code func\u200bprod} cannot pass for
 * {@code funcprod}. Letters of every script are kept: names may be Unicode.
 */
public final class Printable {

  /** The most characters of one echoed value that are shown. */
  public static final int LIMIT = 200;

  /** CSI ({@code ESC [ ... final}), OSC ({@code ESC ] ... BEL or ESC \}) and two-character ESC sequences. */
  private static final Pattern ESCAPE_SEQUENCE =
      Pattern.compile("\u001b(?:\\[[0-?]*[ -/]*[@-~]?|\\][^\u0007\u001b]*(?:\u0007|\u001b\\\\)?|[ -~]?)");
  /** Matched per code point: a tag character (U+E0000 to U+E007F, a surrogate pair) becomes one {@code ?}. */
  private static final Pattern UNPRINTABLE = Pattern.compile("[\\p{Cc}\u00ad\u061c\u200b-\u200f\u2028\u2029"
      + "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\\x{E0000}-\\x{E007F}]");

  private Printable() {}

  /** {@code text} without escape sequences and control characters, each shown as {@code ?}; null reads as empty. */
  public static String clean(String text) {
    if (text == null) {
      return "";
    }
    return UNPRINTABLE.matcher(ESCAPE_SEQUENCE.matcher(text).replaceAll("?")).replaceAll("?");
  }

  /** One echoed value: {@link #clean}, and at most {@link #LIMIT} characters followed by how long it was. */
  public static String abbreviate(String text) {
    String printable = clean(text);
    if (printable.codePointCount(0, printable.length()) <= LIMIT) {
      return printable;
    }
    return printable.substring(0, printable.offsetByCodePoints(0, LIMIT)) + "... ("
        + printable.codePointCount(0, printable.length()) + " characters)";
  }
}
