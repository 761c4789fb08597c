package io.driftguard.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;

/**
 * The fake Azure Monitor Logs Ingestion API (a data collection endpoint) with one data collection rule and one stream.
 * It accepts what azure-monitor-ingestion 1.1.0's {@code LogsIngestionClient.upload} sends:
 * {@code POST /dataCollectionRules/{dcrImmutableId}/streams/{streamName}?api-version=2023-01-01}, a JSON array of
 * row objects ({@code Content-Encoding: gzip}, or none), a bearer token for {@code https://monitor.azure.com}, and
 * answers 204. Thread-safe.
 */
public final class FakeLogsIngestion {
  static final String API_VERSION = "2023-01-01";
  /** Per call, decompressed; the client splits uploads into calls below it. */
  static final int MAX_PAYLOAD_BYTES = 1024 * 1024;
  private static final String DCR_IMMUTABLE_ID = "dcr-00000000000000000000000000000000";
  private static final String STREAM_NAME = "Custom-DriftguardFindings";
  private static final Pattern PATH = Pattern.compile("/dataCollectionRules/([^/]+)/streams/([^/]+)");

  private final Function<String, Optional<IssuedToken>> tokens;
  private final List<Map<String, Object>> rows = new ArrayList<>();
  private final RequestLog requests = new RequestLog();
  private final Faults faults = new Faults();

  FakeLogsIngestion(Function<String, Optional<IssuedToken>> tokens) {
    this.tokens = tokens;
  }

  /** The only data collection rule it knows: the {@code ruleId} of {@code upload}. */
  public String dcrImmutableId() {
    return DCR_IMMUTABLE_ID;
  }

  /** The only stream of that rule. */
  public String streamName() {
    return STREAM_NAME;
  }

  /** Every row accepted so far (answered 204), in order. */
  public List<Map<String, Object>> rows() {
    synchronized (rows) {
      return List.copyOf(rows);
    }
  }

  public void clearRows() {
    synchronized (rows) {
      rows.clear();
    }
  }

  /** Every request received, with its body decompressed. */
  public List<RecordedRequest> requests() {
    return requests.snapshot();
  }

  public void clearRequests() {
    requests.clear();
  }

  public FaultHandle inject(Fault fault) {
    if (fault.losesAnswer()) {
      throw new IllegalArgumentException("only the fake ARM loses an answer after handling the request");
    }
    return faults.inject(fault);
  }

  public void clearFaults() {
    faults.clear();
  }

  void handle(HttpExchange exchange) throws IOException {
    Instant at = Instant.now();
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    String rawQuery = exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery();
    byte[] json = decode(Http.bodyBytes(exchange), exchange.getRequestHeaders().getFirst("Content-Encoding"));
    String body = json == null ? "" : new String(json, StandardCharsets.UTF_8);
    IssuedToken token = Http.bearerToken(exchange.getRequestHeaders().getFirst("Authorization"))
        .flatMap(tokens)
        .orElse(null);

    ArmResponse response = respond(method, path, rawQuery, token, json);
    requests.add(new RecordedRequest(at, method, path, rawQuery, body, response.status(),
        token == null ? null : token.caller().objectId()));
    if (response != ArmResponse.DROP_CONNECTION) {
      Http.send(exchange, response.status(), response.headers(), response.body());
    }
  }

  /** In the order the service checks: authentication, address, then the payload. */
  private ArmResponse respond(String method, String path, String rawQuery, IssuedToken token, byte[] json) {
    ArmResponse forced = faults.apply(method, path, Duration.ZERO, FaultResponses::ofLogsIngestion);
    if (forced != null) {
      return forced;
    }
    if (token == null) {
      return ArmResponse.error(401, "InvalidToken", "The bearer token is missing, invalid or expired.");
    }
    if (!token.isForMonitor()) {
      return ArmResponse.error(401, "InvalidAudience", "The access token was issued for audience '"
          + token.audience() + "'; the logs ingestion API needs one of '"
          + String.join("','", IssuedToken.MONITOR_AUDIENCES) + "'.");
    }
    Matcher route = PATH.matcher(path);
    if (!method.equals("POST") || !route.matches()) {
      return ArmResponse.error(404, "NotFound", "No such endpoint: " + method + " " + path + ". Uploads go to "
          + "POST /dataCollectionRules/{dcrImmutableId}/streams/{streamName}.");
    }
    String apiVersion = Http.queryParameters(rawQuery).get("api-version");
    if (!API_VERSION.equals(apiVersion)) {
      return ArmResponse.error(400, "InvalidApiVersion", "The api-version query parameter must be "
          + API_VERSION + ", not '" + apiVersion + "'.");
    }
    if (!route.group(1).equals(DCR_IMMUTABLE_ID)) {
      return ArmResponse.error(404, "NotFound",
          "Data collection rule with immutable Id '" + route.group(1) + "' not found.");
    }
    if (!route.group(2).equals(STREAM_NAME)) {
      return ArmResponse.error(404, "InvalidStream", "Stream '" + route.group(2) + "' is not declared in data "
          + "collection rule '" + DCR_IMMUTABLE_ID + "'.");
    }
    if (json == null) {
      return ArmResponse.error(400, "InvalidContentEncoding",
          "The body must be JSON, gzipped with Content-Encoding: gzip or not encoded at all.");
    }
    if (json.length > MAX_PAYLOAD_BYTES) {
      return ArmResponse.error(413, "ContentLengthLimitExceeded", "Maximum allowed content length: "
          + MAX_PAYLOAD_BYTES + " bytes (1 MB). Provided content length: " + json.length + " bytes.");
    }
    ArrayNode array = Json.parseArray(new String(json, StandardCharsets.UTF_8));
    if (array == null || !StreamSupport.stream(array.spliterator(), false).allMatch(JsonNode::isObject)) {
      return ArmResponse.error(400, "InvalidPayload", "The body must be a JSON array of objects, one per row.");
    }
    synchronized (rows) {
      array.forEach(row -> rows.add(Json.toMap(row)));
    }
    return new ArmResponse(204, "", Map.of());
  }

  /** The JSON bytes of a body; null for an unknown encoding or a broken gzip stream. */
  private static byte[] decode(byte[] body, String contentEncoding) {
    if (contentEncoding == null || contentEncoding.isBlank() || contentEncoding.equalsIgnoreCase("identity")) {
      return body;
    }
    if (!contentEncoding.equalsIgnoreCase("gzip")) {
      return null;
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }
}
