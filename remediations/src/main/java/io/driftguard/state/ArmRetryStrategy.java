package io.driftguard.state;

import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RequestRetryCondition;
import com.azure.core.http.policy.RetryStrategy;
import java.time.Duration;

/** azure-core's exponential back-off (408, 429, 5xx; Retry-After honoured), except that a fail-fast is never retried. */
final class ArmRetryStrategy implements RetryStrategy {

  private final ExponentialBackoff backoff;

  ArmRetryStrategy(ExponentialBackoffOptions options) {
    this.backoff = new ExponentialBackoff(options);
  }

  @Override
  public int getMaxRetries() {
    return backoff.getMaxRetries();
  }

  @Override
  public Duration calculateRetryDelay(int retryAttempts) {
    return backoff.calculateRetryDelay(retryAttempts);
  }

  @Override
  public boolean shouldRetry(HttpResponse httpResponse) {
    return backoff.shouldRetry(httpResponse);
  }

  @Override
  public boolean shouldRetryException(Throwable throwable) {
    return !(throwable instanceof FailFastException) && backoff.shouldRetryException(throwable);
  }

  @Override
  public boolean shouldRetryCondition(RequestRetryCondition condition) {
    return !(condition.getThrowable() instanceof FailFastException) && backoff.shouldRetryCondition(condition);
  }
}
