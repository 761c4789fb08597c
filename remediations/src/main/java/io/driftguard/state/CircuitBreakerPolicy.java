package io.driftguard.state;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpResponse;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Feeds every ARM try's outcome to the circuit breaker, by subscription and resource, and asks it before each try. */
final class CircuitBreakerPolicy extends ArmPolicy {

  private static final Pattern SUBSCRIPTION = Pattern.compile("^/subscriptions/([^/]+)", Pattern.CASE_INSENSITIVE);
  /** A site or slot, whichever of its documents is called; else the whole path (a site list) is the resource. */
  private static final Pattern SITE = Pattern.compile(
      "^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Web/sites/[^/]+(/slots/[^/]+)?",
      Pattern.CASE_INSENSITIVE);

  private final CircuitBreaker breaker;

  CircuitBreakerPolicy(CircuitBreaker breaker) {
    this.breaker = breaker;
  }

  @Override
  void before(HttpPipelineCallContext context) {
    breaker.acquire(subscription(context), resource(context));
  }

  @Override
  void after(HttpPipelineCallContext context, HttpResponse response) {
    int status = response.getStatusCode();
    if (status >= 500 && status != 501 && status != 505) {
      breaker.failed(subscription(context), resource(context));
    } else {
      breaker.succeeded(subscription(context), resource(context));
    }
  }

  @Override
  void failed(HttpPipelineCallContext context, Throwable error) {
    if (Failures.isTransportFailure(error)) {
      breaker.failed(subscription(context), resource(context));
    } else {
      breaker.abandoned(subscription(context), resource(context));
    }
  }

  private static String subscription(HttpPipelineCallContext context) {
    Matcher matcher = SUBSCRIPTION.matcher(context.getHttpRequest().getUrl().getPath());
    return matcher.find() ? matcher.group(1).toLowerCase(Locale.ROOT) : "";
  }

  private static String resource(HttpPipelineCallContext context) {
    String path = context.getHttpRequest().getUrl().getPath();
    Matcher matcher = SITE.matcher(path);
    return (matcher.find() ? matcher.group() : path).toLowerCase(Locale.ROOT);
  }
}
