package io.driftguard.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrintableTest {

  @Test
  void escapeSequencesAndControlCharactersBecomeQuestionMarks() {
    assertEquals("?red?", Printable.clean("\u001b[31mred\u001b[0m"));
    assertEquals("?title", Printable.clean("\u001b]0;pwned\u0007title"));
    assertEquals("a?b?c?d?e", Printable.clean("a\u0000b\nc\u007fd\u009be"));
    assertEquals("?evil?", Printable.clean("\u202eevil\u202c"));
    assertEquals("?x?", Printable.clean("\u2066x\u2069"));
    assertEquals("", Printable.clean(null));
  }

  /** Invisible characters would make {@code func\u200bprod} read as {@code funcprod}: each shows as one {@code ?}. */
  @Test
  void zeroWidthAndInvisibleFormatCharactersBecomeQuestionMarks() {
    for (int invisible : new int[] {0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064,
        0xfeff, 0x00ad, 0xe0000, 0xe0001, 0xe0041, 0xe007f}) {
      String hidden = "func" + Character.toString(invisible) + "prod";
      assertEquals("func?prod", Printable.clean(hidden), Integer.toHexString(invisible));
    }
    // The tag block spells hidden ASCII ("prod" here), two chars a letter in Java: one ? per letter.
    assertEquals("ok????", Printable.clean("ok\udb40\udc70\udb40\udc72\udb40\udc6f\udb40\udc64"));
  }

  @Test
  void lettersOfEveryScriptAndArmPunctuationAreKept() {
    String name = "rg-\u00fc\u00f1\u03a9_\u65e5\u672c.(x) \ud83d\ude00";
    assertEquals(name, Printable.clean(name));
    assertEquals(name, Printable.abbreviate(name));
  }

  @Test
  void longValuesAreCutAtTheLimitAndSayHowLongTheyWere() {
    String flood = "\ud83d\ude00".repeat(3_075);
    String shown = Printable.abbreviate(flood);
    assertTrue(shown.startsWith("\ud83d\ude00".repeat(Printable.LIMIT) + "... (3075 characters)"), shown);
    assertEquals(Printable.LIMIT * 2 + "... (3075 characters)".length(), shown.length());
    assertEquals("x".repeat(Printable.LIMIT), Printable.abbreviate("x".repeat(Printable.LIMIT)));
  }
}
