package io.driftguard.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.monitor.ingestion.LogsIngestionClient;
import com.azure.monitor.ingestion.LogsIngestionClientBuilder;
import com.azure.monitor.ingestion.models.LogsUploadException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real azure-monitor-ingestion client (JDK HttpClient) against the fake, and the fake's own refusals over HTTP. */
class LogsIngestionTest {
  private static final List<Object> ROWS = List.of(
      Map.of("TimeGenerated", "2026-11-22T10:00:00Z", "_ResourceId", "/subscriptions/s/resourceGroups/rg/"
          + "providers/Microsoft.Web/sites/func-1", "Control", "ftpsState", "Fixed", true),
      Map.of("TimeGenerated", "2026-11-22T10:00:01Z", "_ResourceId", "/subscriptions/s/resourceGroups/rg/"
          + "providers/Microsoft.Web/sites/func-2", "Control", "minTlsVersion", "Fixed", false));

  private static Sandbox sandbox;
  private static FakeLogsIngestion logs;
  private static ArmTestClient http;

  @BeforeAll
  static void start() {
    sandbox = Sandbox.start();
    logs = sandbox.logs();
    http = new ArmTestClient(sandbox);
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  @BeforeEach
  void reset() {
    logs.clearFaults();
    logs.clearRows();
    logs.clearRequests();
  }

  @Test
  void recordsUploadedRowsAsTheClientSendsThem() {
    AtomicReference<HttpHeaders> sent = new AtomicReference<>();
    LogsIngestionClient client = builder(SandboxCredentials.forRequestedScope(sandbox))
        .addPolicy((context, next) -> {
          sent.set(context.getHttpRequest().getHeaders());
          return next.process();
        })
        .buildClient();

    client.upload(logs.dcrImmutableId(), logs.streamName(), ROWS);

    assertEquals(ROWS, logs.rows());
    assertEquals("https://monitor.azure.com/", SandboxCredentials.lastRequestedResource(sandbox));
    assertEquals("gzip", sent.get().getValue(HttpHeaderName.CONTENT_ENCODING), "the fake has to decompress");
    assertEquals("application/json", sent.get().getValue(HttpHeaderName.CONTENT_TYPE));
    RecordedRequest request = logs.requests().get(0);
    assertEquals(204, request.status());
    assertEquals("POST", request.method());
    assertEquals("/dataCollectionRules/" + logs.dcrImmutableId() + "/streams/" + logs.streamName(), request.path());
    assertEquals("api-version=2023-01-01", request.query());
    assertEquals(ROWS, Json.MAPPER.convertValue(Json.parse(request.body()), List.class));
    assertEquals(sandbox.botObjectId(), request.callerObjectId());
  }

  @Test
  void aFailedUploadRecordsNothing() {
    FaultHandle fault = logs.inject(Fault.on("POST", "/streams/").status(503).times(2));

    HttpResponseException error = uploadError(SandboxCredentials.forRequestedScope(sandbox), ROWS);

    assertEquals(503, error.getResponse().getStatusCode());
    assertEquals(2, fault.hits(), "the first try and one retry");
    assertEquals(List.of(503, 503), statuses());
    assertEquals(List.of(), logs.rows());
  }

  @Test
  void aRetriedUploadRecordsTheRowsOnce() {
    logs.inject(Fault.on("POST", "/streams/").status(503));

    builder(SandboxCredentials.forRequestedScope(sandbox)).buildClient()
        .upload(logs.dcrImmutableId(), logs.streamName(), ROWS);

    assertEquals(List.of(503, 204), statuses());
    assertEquals(ROWS, logs.rows());
  }

  @Test
  void armTokensAreRefused() {
    HttpResponseException error =
        uploadError(SandboxCredentials.forResource(sandbox, "https://management.azure.com/"), ROWS);

    assertEquals(401, error.getResponse().getStatusCode());
    assertTrue(error.getMessage().contains("InvalidAudience"), error.getMessage());
    assertEquals(List.of(), logs.rows());
  }

  @Test
  void callsOverOneMegabyteAreRefused() {
    HttpResponseException error = uploadError(SandboxCredentials.forRequestedScope(sandbox),
        List.of(Map.of("Details", "x".repeat(FakeLogsIngestion.MAX_PAYLOAD_BYTES))));

    assertEquals(413, error.getResponse().getStatusCode());
    assertTrue(error.getMessage().contains("ContentLengthLimitExceeded"), error.getMessage());
  }

  @Test
  void acceptsUncompressedJsonAndRefusesWhatTheServiceRefuses() throws Exception {
    String rows = "[{\"Control\":\"httpsOnly\"}]";
    String path = "/dataCollectionRules/" + logs.dcrImmutableId() + "/streams/" + logs.streamName();
    String query = "?api-version=2023-01-01";
    String token = http.token("https://monitor.azure.com");

    assertEquals(204, post(path + query, rows, null, token).statusCode());
    assertEquals(List.of(Map.of("Control", "httpsOnly")), logs.rows());

    assertRefused(400, "InvalidPayload", post(path + query, "{\"Control\":1}", "gzip", token));
    assertRefused(400, "InvalidPayload", post(path + query, "[1]", "gzip", token));
    assertRefused(400, "InvalidContentEncoding", post(path + query, rows, "br", token));
    assertRefused(400, "InvalidApiVersion", post(path + "?api-version=2021-11-01-preview", rows, "gzip", token));
    String otherRule = path.replace(logs.dcrImmutableId(), "dcr-other");
    assertRefused(404, "NotFound", post(otherRule + query, rows, "gzip", token));
    String otherStream = path.replace(logs.streamName(), "Custom-Other");
    assertRefused(404, "InvalidStream", post(otherStream + query, rows, "gzip", token));
    assertRefused(401, "InvalidToken", post(path + query, rows, "gzip", null));
    assertEquals(1, logs.rows().size());
  }

  private static LogsIngestionClientBuilder builder(TokenCredential credential) {
    return new LogsIngestionClientBuilder()
        .endpoint(sandbox.logsIngestionEndpoint().toString())
        .credential(credential)
        .httpClient(new JdkHttpClientBuilder(
            java.net.http.HttpClient.newBuilder().sslContext(sandbox.sslContext())).build())
        .retryOptions(new RetryOptions(new ExponentialBackoffOptions()
            .setMaxRetries(1).setBaseDelay(Duration.ofMillis(10)).setMaxDelay(Duration.ofMillis(20))));
  }

  /** upload(...) collects the failed calls into one exception; these tests make a single call. */
  private static HttpResponseException uploadError(TokenCredential credential, List<Object> rows) {
    LogsIngestionClient client = builder(credential).buildClient();
    LogsUploadException error = assertThrows(LogsUploadException.class,
        () -> client.upload(logs.dcrImmutableId(), logs.streamName(), rows));
    assertEquals(1, error.getLogsUploadErrors().size());
    return error.getLogsUploadErrors().get(0);
  }

  private static List<Integer> statuses() {
    return logs.requests().stream().map(RecordedRequest::status).toList();
  }

  private static HttpResponse<String> post(String pathAndQuery, String body, String contentEncoding, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sandbox.logsIngestionEndpoint() + pathAndQuery))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray("gzip".equals(contentEncoding) ? gzip(body)
            : body.getBytes(StandardCharsets.UTF_8)));
    if (contentEncoding != null) {
      request.header("Content-Encoding", contentEncoding);
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private static void assertRefused(int status, String code, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(code, ArmAuthenticationTest.errorCode(response));
  }
}
