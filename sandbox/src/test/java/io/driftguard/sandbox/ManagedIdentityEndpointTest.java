package io.driftguard.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ManagedIdentityEndpointTest {
  private static Sandbox sandbox;
  private static ArmTestClient client;

  @BeforeAll
  static void start() {
    sandbox = Sandbox.start();
    client = new ArmTestClient(sandbox);
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  @Test
  void issuesAJwtShapedTokenForTheBotIdentity() {
    HttpResponse<String> response = client.requestToken("https://management.core.windows.net/", sandbox.identityHeader());

    assertEquals(200, response.statusCode());
    JsonNode body = Json.parse(response.body());
    assertEquals("Bearer", body.get("token_type").asText());
    assertEquals("https://management.core.windows.net/", body.get("resource").asText());
    long expiresOn = Long.parseLong(body.get("expires_on").asText());
    long inAnHour = Instant.now().plusSeconds(3600).getEpochSecond();
    assertTrue(Math.abs(expiresOn - inAnHour) < 60, "expires_on is one hour ahead, in epoch seconds");
    assertTrue(body.get("client_id").asText().matches("[0-9a-f-]{36}"));

    String[] parts = body.get("access_token").asText().split("\\.");
    assertEquals(3, parts.length);
    JsonNode header = Json.parse(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
    JsonNode payload = Json.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    assertEquals("RS256", header.get("alg").asText());
    assertEquals("https://management.core.windows.net/", payload.get("aud").asText());
    assertEquals(sandbox.botObjectId(), payload.get("oid").asText());
    assertEquals(body.get("client_id").asText(), payload.get("appid").asText());
    assertEquals(expiresOn, payload.get("exp").asLong());
    assertTrue(payload.hasNonNull("tid") && payload.hasNonNull("iss") && payload.hasNonNull("nbf"));
  }

  @Test
  void refusesRequestsWithoutTheIdentityHeader() {
    assertEquals(401, client.requestToken("https://management.azure.com", null).statusCode());
    HttpResponse<String> wrong = client.requestToken("https://management.azure.com", "guess");
    assertEquals(401, wrong.statusCode());
    assertTrue(Json.parse(wrong.body()).hasNonNull("message"));
  }

  @Test
  void logsTokenRequestsButNeverTheToken() {
    String token = client.token("https://management.azure.com");

    List<RecordedRequest> log = sandbox.tokenRequests();
    RecordedRequest last = log.get(log.size() - 1);
    assertEquals("GET", last.method());
    assertEquals("/msi/token", last.path());
    assertEquals(200, last.status());
    assertTrue(last.query().contains("resource=https%3A%2F%2Fmanagement.azure.com"));
    assertFalse(log.toString().contains(token));
    assertFalse(log.toString().contains(sandbox.identityHeader()));
  }
}
