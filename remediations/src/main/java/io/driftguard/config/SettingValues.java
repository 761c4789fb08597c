package io.driftguard.config;

import io.driftguard.text.Durations;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** How one setting's text becomes its value: each parser refuses what it cannot read with the reason. */
final class SettingValues {

  private SettingValues() {}

  /**
   * A duration, or {@code off}: an exemption horizon then requires neither a reason nor an expiry, a reminder interval
   * reminds never.
   */
  static Optional<Duration> durationOrOff(String value) {
    return value.trim().equalsIgnoreCase("off") ? Optional.empty() : Optional.of(Durations.parse(value));
  }

  static boolean includeOrExclude(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "include" -> true;
      case "exclude" -> false;
      default -> throw new IllegalArgumentException("must be include or exclude, not '" + value + "'");
    };
  }

  /** The Functions timer's six fields: second minute hour day month day-of-week. */
  static String ncrontab(String value) {
    String trimmed = value.trim();
    if (!trimmed.matches("\\S+(\\s+\\S+){5}")) {
      throw new IllegalArgumentException("must be a 6-field NCRONTAB expression such as '" + Settings.DEFAULT_RECONCILE_SCHEDULE
          + "' (second minute hour day month day-of-week), not '" + value + "'");
    }
    return trimmed;
  }

  static int positiveInt(String value) {
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("must be a whole number above zero, not '" + value + "'");
  }

  static URI httpsEndpoint(String value) {
    URI uri = URI.create(value.trim());
    if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("must be an https:// URL, not '" + value + "'");
    }
    return uri;
  }
}
