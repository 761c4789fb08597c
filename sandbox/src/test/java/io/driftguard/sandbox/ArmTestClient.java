package io.driftguard.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Talks to a sandbox over real HTTP(S), as the bot does: token from the identity endpoint, then ARM. */
final class ArmTestClient {
  static final String API_VERSION = "2025-03-01";

  final HttpClient http;
  private final Sandbox sandbox;
  private String token;

  ArmTestClient(Sandbox sandbox) {
    this.sandbox = sandbox;
    this.http = HttpClient.newBuilder()
        .sslContext(sandbox.sslContext())
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** GETs a token for {@code resource} the way azure-identity's App Service source does. */
  HttpResponse<String> requestToken(String resource, String identityHeader) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sandbox.identityEndpoint()
        + "?api-version=2019-08-01&resource=" + URLEncoder.encode(resource, StandardCharsets.UTF_8)));
    if (identityHeader != null) {
      request.header("X-IDENTITY-HEADER", identityHeader);
    }
    return send(request.GET().build());
  }

  String token(String resource) {
    HttpResponse<String> response = requestToken(resource, sandbox.identityHeader());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("token request failed: " + response.body());
    }
    return Json.parse(response.body()).get("access_token").asText();
  }

  /** An ARM request with the bot's token and the api-version. */
  HttpResponse<String> arm(String method, String path, String body) {
    if (token == null) {
      token = token("https://management.core.windows.net/");
    }
    return raw(method, path + (path.contains("?") ? "&" : "?") + "api-version=" + API_VERSION, body,
        "Bearer " + token);
  }

  HttpResponse<String> get(String path) {
    return arm("GET", path, null);
  }

  JsonNode getJson(String path) {
    HttpResponse<String> response = get(path);
    if (response.statusCode() != 200) {
      throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return Json.parse(response.body());
  }

  /** Any request to the ARM port: {@code pathAndQuery} as is, {@code authorization} header if not null. */
  HttpResponse<String> raw(String method, String pathAndQuery, String body, String authorization) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sandbox.armEndpoint() + pathAndQuery.substring(1)))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return send(request.build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
