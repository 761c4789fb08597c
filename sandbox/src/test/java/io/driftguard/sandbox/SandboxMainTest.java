package io.driftguard.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** The sandbox as a separate process, driven only through its printed line, its truststore file and HTTP. */
class SandboxMainTest {

  @Test
  void servesUntilStdinClosesAndIsDrivenThroughTheAdminApi() throws Exception {
    Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
        "-cp", System.getProperty("java.class.path"), SandboxMain.class.getName(), "--seed", "demo")
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    try {
      BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      JsonNode started = Json.parse(stdout.readLine());
      URI arm = URI.create(started.get("armEndpoint").asText());
      assertTrue(started.get("logsIngestionEndpoint").asText().startsWith("https://127.0.0.1:"));
      Path trustStore = Path.of(started.get("trustStore").asText());
      HttpClient http = HttpClient.newBuilder().sslContext(trusting(trustStore)).build();

      HttpResponse<String> seeded = http.send(HttpRequest.newBuilder(arm.resolve("/_sandbox/sites"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"subscriptionId\":\"s\",\"resourceGroup\":\"rg\","
              + "\"name\":\"func-x\",\"kind\":\"functionapp\",\"webConfig\":{\"ftpsState\":\"AllAllowed\"}}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(201, seeded.statusCode());
      assertEquals("func-x", Json.parse(seeded.body()).get("name").asText());

      HttpResponse<String> fault = http.send(HttpRequest.newBuilder(arm.resolve("/_sandbox/faults"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"method\":\"GET\",\"path\":\"func-x\",\"status\":503}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(204, fault.statusCode());

      String token = Json.parse(http.send(HttpRequest.newBuilder(URI.create(started.get("identityEndpoint").asText()
              + "?api-version=2019-08-01&resource=https://management.azure.com"))
          .header("X-IDENTITY-HEADER", started.get("identityHeader").asText())
          .build(), HttpResponse.BodyHandlers.ofString()).body()).get("access_token").asText();
      HttpResponse<String> throttled = http.send(HttpRequest.newBuilder(
              arm.resolve("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/func-x?api-version=1"))
          .header("Authorization", "Bearer " + token)
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(503, throttled.statusCode());

      JsonNode log = Json.parse(http.send(HttpRequest.newBuilder(arm.resolve("/_sandbox/requests")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      assertEquals(1, log.size(), "admin calls are not logged");
      assertEquals(503, log.get(0).get("status").asInt());
      assertEquals(started.get("botObjectId").asText(), log.get(0).get("callerObjectId").asText());

      process.getOutputStream().close();
      assertTrue(process.waitFor(10, TimeUnit.SECONDS), "exits when stdin closes");
      assertEquals(0, process.exitValue());
      assertFalse(Files.exists(trustStore), "the truststore is deleted on exit");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void helpPrintsUsage() throws Exception {
    Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
        "-cp", System.getProperty("java.class.path"), SandboxMain.class.getName(), "--help").start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(10, TimeUnit.SECONDS));
    assertTrue(output.startsWith("usage: SandboxMain"), output);
  }

  @Test
  void shellModePrintsExportsThatPointAClientAtTheSandbox() throws Exception {
    Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
        "-cp", System.getProperty("java.class.path"), SandboxMain.class.getName(), "--shell")
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    try {
      List<String> lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8)).lines().limit(7).toList();
      assertTrue(lines.get(0).matches("export IDENTITY_ENDPOINT='http://127\\.0\\.0\\.1:\\d+/msi/token'"), lines.get(0));
      assertTrue(lines.get(2).matches("export DRIFTGUARD_ARM_ENDPOINT='https://127\\.0\\.0\\.1:\\d+/'"), lines.get(2));
      String trustStore = lines.get(6).replaceAll(".*trustStore=(\\S+) .*", "$1");
      assertTrue(Files.exists(Path.of(trustStore)), lines.get(6));
    } finally {
      process.getOutputStream().close();
      assertTrue(process.waitFor(10, TimeUnit.SECONDS), "ends when its stdin closes");
    }
  }

  private static SSLContext trusting(Path trustStoreFile) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(trustStoreFile)) {
      store.load(in, "changeit".toCharArray());
    }
    assertEquals(Collections.list(store.aliases()).size(), 1);
    assertFalse(store.isKeyEntry(store.aliases().nextElement()), "certificate only, no key");
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
