package io.driftguard.alert;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.monitor.ingestion.LogsIngestionClient;
import com.azure.monitor.ingestion.LogsIngestionClientBuilder;
import com.azure.monitor.ingestion.models.LogsUploadError;
import com.azure.monitor.ingestion.models.LogsUploadOptions;
import io.driftguard.concurrent.Lazy;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Finding;
import io.driftguard.engine.FindingsSink;
import io.driftguard.engine.Notice;
import io.driftguard.intake.WriteEvent;
import io.driftguard.state.EndpointPinPolicy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Sends an event's finding rows to a custom Log Analytics table through the Logs Ingestion API, all in one upload,
 * with driftguard's identity (Monitoring Metrics Publisher on the DCR). A log search alert rule over that table
 * notifies the action group: there is no API that fires an action group directly.
 */
public final class LogsIngestionSink implements FindingsSink {

  private final AlertTarget target;
  private final Optional<String> self;
  private final Optional<ActivityLogWriters> writers;
  private final Clock clock;
  /**
   * Built on the first upload, not at wiring: most events have nothing to report, and building the client (its
   * pipeline, serializer and TLS set-up) would otherwise sit between a cold start and the first ARM read.
   */
  private final Lazy<LogsIngestionClient> client;

  /**
   * {@code self}: driftguard's own function app, which its failure rows target; empty where it is not known.
   * {@code writers}: where a swept finding learns who last wrote its document; empty: it says why that is unknown.
   */
  public LogsIngestionSink(AlertTarget target, TokenCredential credential, HttpClient httpClient,
                           ExponentialBackoffOptions backoff, Optional<String> self,
                           Optional<ActivityLogWriters> writers, Clock clock) {
    LogsIngestionClientBuilder builder = new LogsIngestionClientBuilder()
        .endpoint(target.endpoint().toString())
        .credential(credential)
        .retryOptions(new RetryOptions(backoff))
        .addPolicy(new EndpointPinPolicy(target.endpoint()));
    if (httpClient != null) {
      builder.httpClient(httpClient);
    }
    // A class, not builder::buildClient: linking a method reference or lambda resolves its method type, which loads
    // the client's class at wiring (HandleCommandIT checks that a compliant event never loads it).
    this.client = Lazy.of(new Supplier<LogsIngestionClient>() {
      @Override
      public LogsIngestionClient get() {
        return builder.buildClient();
      }
    });
    this.target = target;
    this.self = self;
    this.writers = writers;
    this.clock = clock;
  }

  /**
   * Throws when the upload fails (after the SDK's retries), saying what failed: the event is then delivered again,
   * nothing is lost. The failures are collected rather than thrown by the SDK, whose own error line says only "null".
   */
  @Override
  public void publish(WriteEvent event, List<WriteEvent> alsoAnswered, Decision decision, List<Notice> notices) {
    upload(FindingRows.of(event, alsoAnswered, decision, notices, self, writtenBy(event, notices), clock.instant()));
  }

  /** For drift a sweep found, who last wrote each document of its findings; an event names its writer itself. */
  private Map<String, String> writtenBy(WriteEvent event, List<Notice> notices) {
    Map<String, String> byDocument = new HashMap<>();
    if (event.foundBySweep()) {
      notices.stream().flatMap(notice -> notice.finding().stream()).map(Finding::document).distinct()
          .forEach(document -> byDocument.put(document, writers
              .map(log -> log.lastWriter(event.site(), document))
              .orElseGet(ActivityLogWriters::notConfigured)));
    }
    return byDocument;
  }

  @Override
  public void publishRefusedListing(Decision refusal, String runId) {
    upload(List.of(FindingRows.ofRefusedListing(refusal, runId, self, clock.instant())));
  }

  @Override
  public void sweepAbandoned(String subscription, String messageId, String problem) {
    upload(List.of(FindingRows.abandonedSweep(subscription, messageId, problem, self, clock.instant())));
  }

  private void upload(List<Map<String, Object>> rows) {
    if (rows.isEmpty()) {
      return;
    }
    List<LogsUploadError> failures = new ArrayList<>();
    client.get().upload(target.ruleId(), target.stream(), List.copyOf(rows),
        new LogsUploadOptions().setLogsUploadErrorConsumer(failures::add));
    if (!failures.isEmpty()) {
      int lost = failures.stream().mapToInt(failure -> failure.getFailedLogs().size()).sum();
      throw new AlertUploadException(lost + " of " + rows.size() + " alert rows not accepted by Logs Ingestion at "
          + target.endpoint() + " (rule " + target.ruleId() + ", stream " + target.stream() + "): "
          + failures.get(0).getResponseException().getMessage());
    }
  }

  /** Alert rows did not reach Logs Ingestion, so nobody was told. */
  public static final class AlertUploadException extends RuntimeException {
    AlertUploadException(String message) {
      super(message);
    }
  }
}
