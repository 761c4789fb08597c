package io.driftguard.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fake Log Analytics query API with one workspace, whose {@code AzureActivity} table holds the writes a test
 * exports to it (as a subscription's Activity Log diagnostic setting would). It accepts what azure-monitor-query
 * 1.5.2's {@code LogsQueryClient.queryWorkspace} sends: {@code POST /v1/workspaces/{workspaceId}/query}, a JSON body
 * {@code {"query": ..., "timespan": ...}}, a bearer token for the service's host; it answers
 * {@code {"tables":[{"name":"PrimaryResult","columns":[{"name","type"}...],"rows":[[...]...]}]}}. It runs no KQL: it
 * understands the one query shape driftguard sends (the latest successful write of one {@code _ResourceId}) and refuses
 * any other with 400, so a change of that query shows here. Thread-safe.
 */
public final class FakeLogAnalytics {

  /**
   * The service's own host is its audience: azure-monitor-query asks for {@code https://<endpoint host>/.default},
   * which is {@code https://api.loganalytics.io} in Azure and this fake's loopback host in tests.
   */
  static final List<String> AUDIENCES = List.of("https://api.loganalytics.io", "https://api.loganalytics.io/",
      "https://" + Sandbox.LOOPBACK, "https://" + Sandbox.LOOPBACK + "/");
  private static final String WORKSPACE_ID = "00000000-0000-4000-8000-00000000a7a1";
  private static final Pattern PATH = Pattern.compile("/v1/workspaces/([^/]+)/query");
  private static final Pattern LAST_WRITE = Pattern.compile("AzureActivity\\s*\\|\\s*where _ResourceId == '([^'\\\\]*)'"
      + " and OperationNameValue endswith '/WRITE' and ActivityStatusValue == 'Success'\\s*"
      + "\\|\\s*summarize arg_max\\(TimeGenerated, Caller, CallerIpAddress, CorrelationId\\)\\s*");

  /** One row of {@code AzureActivity}: a write ARM completed. */
  public record Activity(Instant time, String resourceId, String caller, String callerIp, String correlationId) {}

  private final Function<String, Optional<IssuedToken>> tokens;
  private final List<Activity> activity = new ArrayList<>();
  private final RequestLog requests = new RequestLog();

  FakeLogAnalytics(Function<String, Optional<IssuedToken>> tokens) {
    this.tokens = tokens;
  }

  /** The workspace's id (its customer id), as driftguard's setting names it. */
  public String workspaceId() {
    return WORKSPACE_ID;
  }

  /** Exports a write to the workspace, as the Activity Log does: the caller as ARM names it (upn, else object id). */
  public void export(Caller caller, String resourceId, Instant at, String correlationId) {
    String name = caller.userPrincipalName() != null ? caller.userPrincipalName() : caller.objectId();
    synchronized (activity) {
      activity.add(new Activity(at, resourceId.toLowerCase(Locale.ROOT), name,
          caller.ipAddress() == null ? "" : caller.ipAddress(), correlationId));
    }
  }

  public List<RecordedRequest> requests() {
    return requests.snapshot();
  }

  void handle(HttpExchange exchange) throws IOException {
    Instant at = Instant.now();
    String body = Http.body(exchange);
    IssuedToken token = Http.bearerToken(exchange.getRequestHeaders().getFirst("Authorization"))
        .flatMap(tokens)
        .orElse(null);
    String path = exchange.getRequestURI().getPath();
    ArmResponse response = respond(exchange.getRequestMethod(), path, token, body);
    requests.add(new RecordedRequest(at, exchange.getRequestMethod(), path, "", body, response.status(),
        token == null ? null : token.caller().objectId()));
    Http.send(exchange, response.status(), response.headers(), response.body());
  }

  private ArmResponse respond(String method, String path, IssuedToken token, String body) {
    if (token == null || !AUDIENCES.contains(token.audience())) {
      return ArmResponse.error(403, "InvalidTokenError", "The provided authentication is not valid for this resource"
          + (token == null ? "" : ": audience '" + token.audience() + "'") + ".");
    }
    Matcher route = PATH.matcher(path);
    if (!method.equals("POST") || !route.matches()) {
      return ArmResponse.error(404, "PathNotFoundError", "The requested path does not exist: " + method + " " + path);
    }
    if (!route.group(1).equals(WORKSPACE_ID)) {
      return ArmResponse.error(404, "WorkspaceNotFoundError", "Workspace '" + route.group(1) + "' could not be found.");
    }
    JsonNode request = Json.parse(body);
    Matcher query = LAST_WRITE.matcher(request == null ? "" : request.path("query").asText());
    if (!query.matches()) {
      return ArmResponse.error(400, "BadArgumentError", "The fake answers only driftguard's last-write query, not: "
          + (request == null ? body : request.path("query").asText()));
    }
    Optional<Activity> last;
    synchronized (activity) {
      last = activity.stream().filter(row -> row.resourceId().equals(query.group(1)))
          .max(Comparator.comparing(Activity::time));
    }
    return ArmResponse.ok(table(last));
  }

  /** {@code arg_max} over no rows is one row of nulls in Log Analytics; over none here it is no row, as KQL's empty. */
  private static ObjectNode table(Optional<Activity> last) {
    ObjectNode answer = Json.object();
    ObjectNode table = answer.putArray("tables").addObject().put("name", "PrimaryResult");
    ArrayNode columns = table.putArray("columns");
    for (Map.Entry<String, String> column : List.of(Map.entry("TimeGenerated", "datetime"), Map.entry("Caller", "string"),
        Map.entry("CallerIpAddress", "string"), Map.entry("CorrelationId", "string"))) {
      columns.addObject().put("name", column.getKey()).put("type", column.getValue());
    }
    ArrayNode rows = table.putArray("rows");
    last.ifPresent(row -> rows.addArray().add(row.time().toString()).add(row.caller()).add(row.callerIp())
        .add(row.correlationId()));
    return answer;
  }
}
