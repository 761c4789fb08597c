package io.driftguard.state;

/** Client-side ARM token buckets per subscription; ARM's own are reads 250 at 25/s and writes 200 at 10/s. */
public record RateLimits(int readBurst, double readsPerSecond, int writeBurst, double writesPerSecond) {

  public static final RateLimits ARM = new RateLimits(250, 25, 200, 10);

  public RateLimits {
    if (readBurst < 1 || writeBurst < 1 || readsPerSecond <= 0 || writesPerSecond <= 0) {
      throw new IllegalArgumentException("rate limits must be positive");
    }
  }
}
