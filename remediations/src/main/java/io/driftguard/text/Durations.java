package io.driftguard.text;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in settings and on the command line: {@code 90s}, {@code 15m}, {@code 1h}, {@code 7d}, or ISO-8601 {@code PT1H}. */
public final class Durations {

  private static final Pattern SHORT = Pattern.compile("(\\d{1,9})\\s*([smhd])");

  private Durations() {}

  public static Duration parse(String text) {
    String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    Matcher matcher = SHORT.matcher(value);
    Duration duration;
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      duration = switch (matcher.group(2)) {
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    } else {
      try {
        duration = Duration.parse(value.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("must be a duration such as 90s, 15m, 1h, 7d or PT1H, not '" + text + "'");
      }
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("must be longer than zero, not '" + text + "'");
    }
    return duration;
  }

  /** The short form, for messages: {@code 1h}, {@code 24h}, {@code 90s}. */
  public static String format(Duration duration) {
    if (duration.toSeconds() % 3600 == 0) {
      return duration.toHours() + "h";
    }
    if (duration.toSeconds() % 60 == 0) {
      return duration.toMinutes() + "m";
    }
    return duration.toSeconds() + "s";
  }
}
