package io.driftguard.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import io.driftguard.it.MovableTicker;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** How long the retry layer waits for a throttled or failing ARM answer: ARM's word first, in its three spellings. */
class ArmRetryPolicyTest {

  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(4);
  private final ArmRetryPolicy policy = new ArmRetryPolicy(new ExponentialBackoffOptions().setMaxRetries(3)
      .setBaseDelay(Duration.ofMillis(100)).setMaxDelay(MAX_BACKOFF), new MovableTicker(), Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void retryAfterInSecondsOrMillisecondsIsWaitedAsSaid() {
    assertEquals(Duration.ofSeconds(7), policy.delay(answer(429, Map.of("Retry-After", "7")), 0));
    assertEquals(Duration.ofMillis(1500), policy.delay(answer(429, Map.of("retry-after-ms", "1500")), 0));
    assertEquals(Duration.ofMillis(250), policy.delay(answer(503, Map.of("x-ms-retry-after-ms", "250")), 0));
    assertEquals(Duration.ofMillis(1500), policy.delay(answer(429, Map.of("retry-after-ms", "1500", "Retry-After", "7")),
        0), "milliseconds are the finer word");
  }

  @Test
  void anHttpDateIsCountedFromTheInjectedClock() {
    String inHalfAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(30).atOffset(ZoneOffset.UTC));
    assertEquals(Duration.ofSeconds(30), policy.delay(answer(429, Map.of("Retry-After", inHalfAMinute)), 0));
    String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.minusSeconds(30).atOffset(ZoneOffset.UTC));
    assertEquals(Duration.ZERO, policy.delay(answer(429, Map.of("Retry-After", past)), 0), "a date gone: at once");
  }

  @Test
  void withoutAReadableRetryAfterTheBackOffDecides() {
    for (Map<String, String> headers : new Map[] {Map.of(), Map.of("Retry-After", "soon"), Map.of("Retry-After", "-5"),
        Map.of("retry-after-ms", "x")}) {
      Duration wait = policy.delay(answer(503, headers), 1);
      assertTrue(!wait.isNegative() && wait.compareTo(MAX_BACKOFF) <= 0, headers + ": " + wait);
    }
  }

  /**
   * Hostile input: an answer that asks for a wait beyond the event's budget (here a date a year ahead) fails the call
   * at once, retryably, instead of holding the delivery; nothing sleeps, nothing is sent again.
   */
  @Test
  void aWaitPastTheEventsBudgetFailsAtOnceWhateverTheAnswerAsks() {
    MovableTicker ticker = new MovableTicker();
    ArmRetryPolicy retries = new ArmRetryPolicy(new ExponentialBackoffOptions().setMaxRetries(3), ticker,
        Clock.fixed(NOW, ZoneOffset.UTC));
    String nextYear = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plus(Duration.ofDays(365)).atOffset(ZoneOffset.UTC));
    AtomicInteger sent = new AtomicInteger();
    HttpPipeline pipeline = new HttpPipelineBuilder().policies(retries).httpClient(request -> {
      sent.incrementAndGet();
      return Mono.just(answer(429, Map.of("Retry-After", nextYear)));
    }).build();

    FailFastException refused = assertThrows(FailFastException.class, () -> pipeline.sendSync(
        new HttpRequest(HttpMethod.GET, "https://management.azure.com/subscriptions/s"),
        new CallBudget(Duration.ofSeconds(15), ticker).context()));

    assertEquals(1, sent.get(), "not sent again");
    assertEquals(List.of(), ticker.sleeps(), "no wait");
    assertTrue(refused.getMessage().startsWith("ARM answered 429 with Retry-After 31536000 s: a retry would wait"),
        refused.getMessage());
  }

  private static HttpResponse answer(int status, Map<String, String> headers) {
    HttpHeaders all = new HttpHeaders();
    headers.forEach((name, value) -> all.set(HttpHeaderName.fromString(name), value));
    return new HttpResponse(new HttpRequest(HttpMethod.GET, "https://management.azure.com/")) {
      @Override
      public int getStatusCode() {
        return status;
      }

      @Override
      @Deprecated
      public String getHeaderValue(String name) {
        return all.getValue(HttpHeaderName.fromString(name));
      }

      @Override
      public String getHeaderValue(HttpHeaderName name) {
        return all.getValue(name);
      }

      @Override
      public HttpHeaders getHeaders() {
        return all;
      }

      @Override
      public Flux<ByteBuffer> getBody() {
        return Flux.empty();
      }

      @Override
      public Mono<byte[]> getBodyAsByteArray() {
        return Mono.just(new byte[0]);
      }

      @Override
      public Mono<String> getBodyAsString() {
        return Mono.just("");
      }

      @Override
      public Mono<String> getBodyAsString(Charset charset) {
        return Mono.just("");
      }
    };
  }
}
