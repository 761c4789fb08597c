package io.driftguard.state;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.BinaryData;
import io.driftguard.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The ARM pipeline's one retry layer: azure-core's exponential back-off says what is retried (408, 429, 5xx, a failed
 * exchange) and how long to wait; ARM's {@code retry-after-ms}, {@code x-ms-retry-after-ms} or {@code Retry-After}
 * (seconds or an HTTP date) overrides the wait; a fail-fast (deadline, open breaker, rate limit) is never retried, and
 * a wait that reaches past the event's budget fails at once instead, retryably, so that the delivery ends before Event
 * Grid gives up on it and sends it again (whatever date an answer names).
 * It does what azure-core's RetryPolicy does, but waits on the injected ticker and reads the date from the injected
 * clock, so that tests move time instead of waiting for it.
 */
final class ArmRetryPolicy implements HttpPipelinePolicy {

  private static final HttpHeaderName RETRY_AFTER_MS = HttpHeaderName.fromString("retry-after-ms");
  private static final HttpHeaderName X_MS_RETRY_AFTER_MS = HttpHeaderName.fromString("x-ms-retry-after-ms");

  private final ExponentialBackoff backoff;
  private final Ticker ticker;
  private final Clock clock;

  ArmRetryPolicy(ExponentialBackoffOptions options, Ticker ticker, Clock clock) {
    this.backoff = new ExponentialBackoff(options);
    this.ticker = ticker;
    this.clock = clock;
  }

  @Override
  public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
    HttpRequest original = replayable(context.getHttpRequest());
    for (int tries = 0; ; tries++) {
      context.setHttpRequest(original.copy());
      HttpResponse response;
      try {
        response = next.clone().processSync();
      } catch (RuntimeException e) {
        if (!retries(e, tries)) {
          throw e;
        }
        pause(withinBudget(context, backoff.calculateRetryDelay(tries), "a failed exchange"));
        continue;
      }
      if (!retries(response, tries)) {
        return response;
      }
      pause(waitFor(context, response, tries));
    }
  }

  @Override
  public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
    return Mono.defer(() -> attempt(context, next, replayable(context.getHttpRequest()), 0));
  }

  private Mono<HttpResponse> attempt(HttpPipelineCallContext context, HttpPipelineNextPolicy next, HttpRequest original,
                                     int tries) {
    context.setHttpRequest(original.copy());
    Mono<HttpResponse> again = Mono.defer(() -> attempt(context, next, original, tries + 1));
    return next.clone().process()
        .map(Optional::of)
        .onErrorResume(Exception.class, e -> retries(e, tries)
            ? Mono.fromCallable(() -> withinBudget(context, backoff.calculateRetryDelay(tries), "a failed exchange"))
                .flatMap(this::pauseAsync).then(Mono.<Optional<HttpResponse>>empty())
            : Mono.error(e))
        .switchIfEmpty(Mono.just(Optional.empty()))
        .flatMap(answer -> {
          if (answer.isEmpty()) {
            return again;
          }
          HttpResponse response = answer.get();
          if (!retries(response, tries)) {
            return Mono.just(response);
          }
          return Mono.fromCallable(() -> waitFor(context, response, tries)).flatMap(this::pauseAsync).then(again);
        });
  }

  private boolean retries(HttpResponse response, int tries) {
    return tries < backoff.getMaxRetries() && backoff.shouldRetry(response);
  }

  private boolean retries(Throwable error, int tries) {
    return tries < backoff.getMaxRetries() && !(error instanceof FailFastException) && backoff.shouldRetryException(error);
  }

  /** How long to wait before trying a retryable answer again, within the event's budget; the answer is closed. */
  private Duration waitFor(HttpPipelineCallContext context, HttpResponse response, int tries) {
    try (response) {
      Optional<Duration> asked = askedFor(response);
      return withinBudget(context, asked.orElseGet(() -> backoff.calculateRetryDelay(tries)), "ARM answered "
          + response.getStatusCode() + asked.map(wait -> " with Retry-After " + wait.toSeconds() + " s").orElse(""));
    }
  }

  private static Duration withinBudget(HttpPipelineCallContext context, Duration wait, String after) {
    Duration remaining = CallBudget.of(context).remaining();
    if (wait.compareTo(remaining) > 0) {
      throw new FailFastException(after + ": a retry would wait " + wait.toMillis() + " ms, beyond the event's remaining "
          + Math.max(0, remaining.toMillis()) + " ms");
    }
    return wait;
  }

  /** ARM's wait where it names one, else the back-off's. */
  Duration delay(HttpResponse response, int tries) {
    return askedFor(response).orElseGet(() -> backoff.calculateRetryDelay(tries));
  }

  /** The wait ARM's answer asks for: milliseconds first, then seconds or a date; none when it names none readable. */
  private Optional<Duration> askedFor(HttpResponse response) {
    return millis(response.getHeaderValue(RETRY_AFTER_MS))
        .or(() -> millis(response.getHeaderValue(X_MS_RETRY_AFTER_MS)))
        .or(() -> retryAfter(response.getHeaderValue(HttpHeaderName.RETRY_AFTER)));
  }

  private static Optional<Duration> millis(String value) {
    try {
      return value == null ? Optional.empty() : Optional.of(Duration.ofMillis(Long.parseLong(value.trim())))
          .filter(wait -> !wait.isNegative());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private Optional<Duration> retryAfter(String value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim()))).filter(wait -> !wait.isNegative());
    } catch (NumberFormatException notSeconds) {
      try {
        Duration wait = Duration.between(clock.instant(),
            ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }

  /** A request whose body can be sent again on every try. */
  private static HttpRequest replayable(HttpRequest request) {
    BinaryData body = request.getBodyAsBinaryData();
    if (body != null && !body.isReplayable()) {
      request.setBody(body.toReplayableBinaryData());
    }
    return request;
  }

  private void pause(Duration wait) {
    try {
      ticker.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FailFastException("interrupted while waiting to retry an ARM request");
    }
  }

  /** On a pool that may block, as the pipeline's other waits. */
  private Mono<Void> pauseAsync(Duration wait) {
    return Mono.<Void>fromRunnable(() -> pause(wait)).subscribeOn(Schedulers.boundedElastic());
  }
}
