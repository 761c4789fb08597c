package io.driftguard.state;

import com.azure.core.http.policy.ExponentialBackoffOptions;
import java.time.Duration;

/** The retry back-off every Azure client of driftguard uses: each client has exactly one retry layer, this one. */
public final class RetrySettings {

  private RetrySettings() {}

  /** azure-core's own defaults: 3 retries, 0.8 s doubling up to 8 s, honouring Retry-After. */
  public static ExponentialBackoffOptions sdkDefault() {
    return withBaseDelay(Duration.ofMillis(800));
  }

  public static ExponentialBackoffOptions withBaseDelay(Duration baseDelay) {
    return new ExponentialBackoffOptions().setMaxRetries(3).setBaseDelay(baseDelay).setMaxDelay(baseDelay.multipliedBy(10));
  }

  /**
   * For best-effort calls (Table storage): one retry, for a hiccup. An outage then costs an event one back-off out of
   * its budget, not three, before it goes on without storage.
   */
  public static ExponentialBackoffOptions bestEffort(ExponentialBackoffOptions backoff) {
    return new ExponentialBackoffOptions().setMaxRetries(1).setBaseDelay(backoff.getBaseDelay())
        .setMaxDelay(backoff.getMaxDelay());
  }
}
