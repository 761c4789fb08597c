package io.driftguard.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ArmAuthenticationTest {
  private static Sandbox sandbox;
  private static ArmTestClient client;
  private static String sitePath;

  @BeforeAll
  static void start() {
    sandbox = Sandbox.start();
    client = new ArmTestClient(sandbox);
    sitePath = sandbox.arm().seedSite("sub-1", "rg", "app", "functionapp", Map.of(), true, Map.of()).id();
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  @BeforeEach
  void clearLog() {
    sandbox.arm().clearRequests();
  }

  @Test
  void missingAuthorizationHeaderIsAuthenticationFailed() {
    HttpResponse<String> response = client.raw("GET", sitePath + "?api-version=2025-03-01", null, null);

    assertUnauthorized(response, "AuthenticationFailed");
  }

  @Test
  void tokenNotIssuedBySandboxIsInvalid() {
    HttpResponse<String> response = client.raw("GET", sitePath + "?api-version=2025-03-01", null, "Bearer a.b.c");

    assertUnauthorized(response, "InvalidAuthenticationToken");
    assertNull(sandbox.arm().requests().get(0).callerObjectId());
  }

  @Test
  void tokenForAnotherAudienceIsRefused() {
    String vaultToken = client.token("https://vault.azure.net");

    HttpResponse<String> response =
        client.raw("GET", sitePath + "?api-version=2025-03-01", null, "Bearer " + vaultToken);

    assertUnauthorized(response, "InvalidAuthenticationTokenAudience");
  }

  @Test
  void bothArmAudiencesAreAccepted() {
    for (String audience : List.of("https://management.azure.com", "https://management.core.windows.net/")) {
      HttpResponse<String> response = client.raw(
          "GET", sitePath + "?api-version=2025-03-01", null, "Bearer " + client.token(audience));
      assertEquals(200, response.statusCode(), audience);
    }
    assertEquals(sandbox.botObjectId(), sandbox.arm().requests().get(0).callerObjectId());
  }

  @Test
  void apiVersionIsRequired() {
    HttpResponse<String> response = client.raw(
        "GET", sitePath, null, "Bearer " + client.token("https://management.azure.com/"));

    assertEquals(400, response.statusCode());
    assertEquals("MissingApiVersionParameter", errorCode(response));
  }

  @Test
  void everyAnswerCarriesArmHeaders() {
    HttpResponse<String> read = client.get(sitePath);
    HttpResponse<String> write = client.arm("PATCH", sitePath, "{\"properties\":{}}");
    HttpResponse<String> refused = client.raw("GET", sitePath, null, null);

    for (HttpResponse<String> response : List.of(read, write, refused)) {
      assertTrue(response.headers().firstValue("x-ms-request-id").isPresent());
      assertTrue(response.headers().firstValue("x-ms-correlation-request-id").isPresent());
      assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
    }
    assertTrue(read.headers().firstValue("x-ms-ratelimit-remaining-subscription-reads").isPresent());
    assertTrue(write.headers().firstValue("x-ms-ratelimit-remaining-subscription-writes").isPresent());
  }

  private static void assertUnauthorized(HttpResponse<String> response, String code) {
    assertEquals(401, response.statusCode());
    assertEquals(code, errorCode(response));
    assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer "));
    assertEquals(401, sandbox.arm().requests().get(sandbox.arm().requests().size() - 1).status());
  }

  static String errorCode(HttpResponse<String> response) {
    JsonNode error = Json.parse(response.body()).get("error");
    assertTrue(error.hasNonNull("message"), response.body());
    return error.get("code").asText();
  }
}
