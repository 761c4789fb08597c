package io.driftguard.state;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpResponse;
import io.driftguard.time.Ticker;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Client-side rate limiting that mirrors ARM's per-subscription token buckets for reads and writes, so a burst of
 * events is spread at the rate ARM allows instead of turning into a storm of 429s. ARM's
 * {@code x-ms-ratelimit-remaining-subscription-*} headers pull the local buckets down when other clients of the same
 * identity spend from them too. A wait longer than the event's remaining budget fails fast.
 */
final class RateLimitPolicy extends ArmPolicy {

  private static final Pattern SUBSCRIPTION = Pattern.compile("/subscriptions/([^/?]+)", Pattern.CASE_INSENSITIVE);
  private static final HttpHeaderName REMAINING_READS = HttpHeaderName.fromString("x-ms-ratelimit-remaining-subscription-reads");
  private static final HttpHeaderName REMAINING_WRITES = HttpHeaderName.fromString("x-ms-ratelimit-remaining-subscription-writes");

  private final RateLimits limits;
  private final Ticker ticker;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

  RateLimitPolicy(RateLimits limits, Ticker ticker) {
    this.limits = limits;
    this.ticker = ticker;
  }

  @Override
  void before(HttpPipelineCallContext context) {
    if (ResourceGraphEndpoint.isQuery(context.getHttpRequest())) {
      return; // Resource Graph has its own per-user quota, which the sweep's query gate keeps to.
    }
    boolean read = context.getHttpRequest().getHttpMethod() == HttpMethod.GET;
    Duration remaining = CallBudget.of(context).remaining();
    Optional<Duration> wait = bucket(context, read).reserve(remaining.isNegative() ? Duration.ZERO : remaining);
    if (wait.isEmpty()) {
      throw new FailFastException("ARM " + (read ? "read" : "write") + " rate limit: no token within the event's remaining "
          + remaining.toMillis() + " ms");
    }
    sleep(wait.get());
  }

  @Override
  void after(HttpPipelineCallContext context, HttpResponse response) {
    if (ResourceGraphEndpoint.isQuery(context.getHttpRequest())) {
      return;
    }
    boolean read = context.getHttpRequest().getHttpMethod() == HttpMethod.GET;
    String remaining = response.getHeaderValue(read ? REMAINING_READS : REMAINING_WRITES);
    if (remaining != null) {
      try {
        bucket(context, read).observeRemaining(Long.parseLong(remaining.trim()));
      } catch (NumberFormatException e) {
        // Not a count: nothing to learn from it.
      }
    }
  }

  private TokenBucket bucket(HttpPipelineCallContext context, boolean read) {
    Matcher matcher = SUBSCRIPTION.matcher(context.getHttpRequest().getUrl().getPath());
    String subscription = matcher.find() ? matcher.group(1).toLowerCase(Locale.ROOT) : "";
    return buckets.computeIfAbsent(subscription + (read ? "/reads" : "/writes"), key -> read
        ? new TokenBucket(limits.readBurst(), limits.readsPerSecond(), ticker)
        : new TokenBucket(limits.writeBurst(), limits.writesPerSecond(), ticker));
  }

  private void sleep(Duration wait) {
    if (wait.isZero()) {
      return;
    }
    try {
      ticker.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FailFastException("interrupted while waiting for an ARM rate-limit token");
    }
  }
}
