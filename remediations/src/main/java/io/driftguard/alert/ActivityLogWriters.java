package io.driftguard.alert;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.monitor.query.LogsQueryClient;
import com.azure.monitor.query.LogsQueryClientBuilder;
import com.azure.monitor.query.models.LogsTableCell;
import com.azure.monitor.query.models.LogsTableRow;
import com.azure.monitor.query.models.QueryTimeInterval;
import io.driftguard.concurrent.Lazy;
import io.driftguard.documents.Documents;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.EndpointPinPolicy;
import io.driftguard.text.Printable;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Who last wrote a document, for drift a sweep found (no event named the writer): the subscriptions' Activity Log as
 * exported to a Log Analytics workspace, read with driftguard's own identity (Log Analytics Reader on the workspace)
 * through azure-monitor-query. The answer is a sentence for the finding's message; when the log is absent, silent or
 * unreadable, the sentence says "unknown" and why, and the finding is reported all the same.
 */
public final class ActivityLogWriters {

  /** How far back a write is looked for: the Activity Log's default retention in a workspace is 90 days. */
  static final Duration LOOK_BACK = Duration.ofDays(90);

  /** Built on the first swept finding: most deliveries are events, which name their writer themselves. */
  private final Lazy<LogsQueryClient> client;
  private final String workspaceId;

  public ActivityLogWriters(URI endpoint, String workspaceId, TokenCredential credential, HttpClient httpClient,
                            ExponentialBackoffOptions backoff) {
    LogsQueryClientBuilder builder = new LogsQueryClientBuilder()
        .endpoint(endpoint.toString())
        .credential(credential)
        .retryOptions(new RetryOptions(backoff))
        .addPolicy(new EndpointPinPolicy(endpoint));
    if (httpClient != null) {
      builder.httpClient(httpClient);
    }
    // A class, not builder::buildClient, as in LogsIngestionSink: a method reference would load the client's class now.
    this.client = Lazy.of(new Supplier<LogsQueryClient>() {
      @Override
      public LogsQueryClient get() {
        return builder.buildClient();
      }
    });
    this.workspaceId = workspaceId;
  }

  /** Without a workspace: every swept finding says why its writer is unknown. */
  static String notConfigured() {
    return " Who wrote it: unknown (no Activity Log workspace configured, DRIFTGUARD_ACTIVITY_LOG_WORKSPACE).";
  }

  /** {@code " Last written by alice@contoso.com at ... (Activity Log)."}, or why that is unknown. */
  String lastWriter(SiteRef site, String document) {
    String resource = document.equals(Documents.SITE.name()) ? site.key() : site.key() + "/" + document.toLowerCase(Locale.ROOT);
    try {
      List<LogsTableRow> rows = client.get().queryWorkspace(workspaceId, query(resource), new QueryTimeInterval(LOOK_BACK))
          .getTable().getRows();
      Optional<String> caller = rows.isEmpty() ? Optional.empty() : text(rows.get(0), "Caller");
      if (caller.isEmpty()) {
        return " Who wrote it: unknown (the Activity Log in workspace " + workspaceId + " has no write of " + document
            + " in the last " + LOOK_BACK.toDays() + " days: is the subscription's Activity Log exported there?).";
      }
      LogsTableRow row = rows.get(0);
      return Printable.clean(" Last written by " + caller.get() + text(row, "CallerIpAddress").map(ip -> " from " + ip).orElse("")
          + " at " + text(row, "TimeGenerated").orElse("an unknown time") + " (Activity Log"
          + text(row, "CorrelationId").map(id -> ", correlation id " + id).orElse("") + ").");
    } catch (RuntimeException e) {
      return " Who wrote it: unknown (the Activity Log could not be read: " + Printable.abbreviate(
          e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ").";
    }
  }

  /**
   * The latest successful write of one resource. Its id comes from a strictly parsed site and the document catalog,
   * and is quoted anyway: a quote or backslash cannot end the string literal.
   */
  static String query(String resource) {
    String literal = resource.replace("\\", "\\\\").replace("'", "\\'");
    return "AzureActivity | where _ResourceId == '" + literal + "' and OperationNameValue endswith '/WRITE'"
        + " and ActivityStatusValue == 'Success' | summarize arg_max(TimeGenerated, Caller, CallerIpAddress, CorrelationId)";
  }

  private static Optional<String> text(LogsTableRow row, String column) {
    return row.getColumnValue(column).map(LogsTableCell::getValueAsString).filter(value -> !value.isBlank());
  }
}
