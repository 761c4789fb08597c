package io.driftguard.sweep;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps to Resource Graph's per-user quota: when an answer says none is left ({@code x-ms-user-quota-remaining: 0}),
 * the next query waits until the quota resets ({@code x-ms-user-quota-resets-after: hh:mm:ss}) instead of being
 * throttled. Time is the injected clock, and waiting is the injected pause, so tests move time instead of sleeping.
 */
public final class ResourceGraphQuota {

  /** Waits for a while: the injected ticker's sleep in production, a clock that moves forward in tests. */
  public interface Pause {
    void pause(Duration duration) throws InterruptedException;
  }

  static final HttpHeaderName REMAINING = HttpHeaderName.fromString("x-ms-user-quota-remaining");
  static final HttpHeaderName RESETS_AFTER = HttpHeaderName.fromString("x-ms-user-quota-resets-after");
  private static final Pattern HMS = Pattern.compile("(\\d{1,2}):(\\d{2}):(\\d{2})");
  /** A reset further away than this is not believed: the quota window is seconds. */
  private static final Duration LONGEST_WAIT = Duration.ofMinutes(1);

  private final Clock clock;
  private final Pause pause;
  private Instant spentUntil = Instant.MIN;
  private int waits;

  public ResourceGraphQuota(Clock clock, Pause pause) {
    this.clock = clock;
    this.pause = pause;
  }

  /** Before a query: waits for the reset if the last answer spent the quota. */
  synchronized void awaitQuota() {
    Duration wait = Duration.between(clock.instant(), spentUntil);
    if (wait.isNegative() || wait.isZero()) {
      return;
    }
    waits++;
    try {
      pause.pause(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Resource Graph's quota to reset", e);
    }
  }

  /** After an answer: remembers when the quota resets if it is spent. */
  synchronized void observe(HttpHeaders headers) {
    String remaining = headers.getValue(REMAINING);
    Matcher resets = HMS.matcher(String.valueOf(headers.getValue(RESETS_AFTER)).trim());
    if (remaining == null || !remaining.trim().equals("0") || !resets.matches()) {
      return;
    }
    Duration wait = Duration.ofHours(Long.parseLong(resets.group(1))).plusMinutes(Long.parseLong(resets.group(2)))
        .plusSeconds(Long.parseLong(resets.group(3)));
    spentUntil = clock.instant().plus(wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait);
  }

  /** How many times a query waited for the quota to reset. */
  public synchronized int waits() {
    return waits;
  }
}
