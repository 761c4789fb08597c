package io.driftguard.sandbox;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * ARM's throttling in action: one token bucket per subscription, principal and {@link Kind}, created full and
 * refilled lazily when taken from. Thread-safe: each bucket has its own lock.
 */
final class ArmThrottling {
  /** What a request costs a token of; each kind has its bucket and its {@code x-ms-ratelimit-remaining-*} header. */
  enum Kind {
    READ("read", "x-ms-ratelimit-remaining-subscription-reads"),
    WRITE("write", "x-ms-ratelimit-remaining-subscription-writes"),
    DELETE("delete", "x-ms-ratelimit-remaining-subscription-deletes");

    /** As ARM names it in the throttling message. */
    final String word;
    final String remainingHeader;

    Kind(String word, String remainingHeader) {
      this.word = word;
      this.remainingHeader = remainingHeader;
    }

    static Kind of(String method) {
      return switch (method) {
        case "GET", "HEAD" -> READ;
        case "DELETE" -> DELETE;
        default -> WRITE;
      };
    }
  }

  /**
   * @param remaining         whole tokens left after this request
   * @param retryAfterSeconds for a refused request: until a token is back, rounded up, at least 1; else 0
   */
  record Verdict(Kind kind, boolean allowed, long remaining, long retryAfterSeconds) {}

  private record Key(String subscriptionId, String objectId, Kind kind) {}

  private final ArmThrottle limits;
  private final LongSupplier nanoTime;
  private final Map<Key, Bucket> buckets = new ConcurrentHashMap<>();

  /** @param nanoTime a monotonic clock in nanoseconds, {@code System::nanoTime} but in tests */
  ArmThrottling(ArmThrottle limits, LongSupplier nanoTime) {
    this.limits = limits;
    this.nanoTime = nanoTime;
  }

  /** Takes a token for a request, if there is one. Subscription ids are case-insensitive, as ARM's. */
  Verdict take(String subscriptionId, String objectId, String method) {
    Kind kind = Kind.of(method);
    Key key = new Key(subscriptionId.toLowerCase(Locale.ROOT), objectId, kind);
    return buckets.computeIfAbsent(key, k -> k.kind() == Kind.READ
            ? new Bucket(limits.readCapacity(), limits.readRefillPerSecond(), nanoTime.getAsLong())
            : new Bucket(limits.writeCapacity(), limits.writeRefillPerSecond(), nanoTime.getAsLong()))
        .take(kind, nanoTime);
  }

  /** Counts in billionths of a token, so that many small lazy refills add up without rounding drift. */
  private static final class Bucket {
    private static final long UNIT = 1_000_000_000L;

    private final long capacity;
    /** Units per nanosecond, which is tokens per second, as both are billionths. */
    private final double refill;
    private long units;
    private long refilledAt;

    Bucket(int capacity, double refillPerSecond, long now) {
      this.capacity = capacity * UNIT;
      this.refill = refillPerSecond;
      this.units = this.capacity;
      this.refilledAt = now;
    }

    /** Reads the clock under the lock, so that concurrent takers see time and tokens in the same order. */
    synchronized Verdict take(Kind kind, LongSupplier nanoTime) {
      long now = nanoTime.getAsLong();
      units = (long) Math.min(capacity, units + (now - refilledAt) * refill);
      refilledAt = now;
      if (units >= UNIT) {
        units -= UNIT;
        return new Verdict(kind, true, units / UNIT, 0);
      }
      double waitNanos = (UNIT - units) / refill;
      return new Verdict(kind, false, 0, Math.max(1, (long) Math.ceil(waitNanos / 1e9)));
    }
  }
}
