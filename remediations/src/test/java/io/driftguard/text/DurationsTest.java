package io.driftguard.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @Test
  void readsTheShortFormsAndIso() {
    assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
    assertEquals(Duration.ofMinutes(15), Durations.parse("15m"));
    assertEquals(Duration.ofHours(1), Durations.parse(" 1H "));
    assertEquals(Duration.ofDays(7), Durations.parse("7d"));
    assertEquals(Duration.ofHours(1), Durations.parse("PT1H"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "h", "1 hour", "-1h", "0m", "PT0S", "1w"})
  void refusesAnythingElse(String text) {
    assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
  }

  @Test
  void formatsForMessages() {
    assertEquals("24h", Durations.format(Duration.ofDays(1)));
    assertEquals("15m", Durations.format(Duration.ofMinutes(15)));
    assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
  }
}
