package io.driftguard.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Small helpers over {@link HttpExchange}, shared by the sandbox's endpoints. */
final class Http {
  static final String JSON = "application/json; charset=utf-8";

  private Http() {}

  /** Wraps an endpoint so that a bug in the sandbox does not look like a network failure to the code under test. */
  static HttpHandler answeringBugsWith500(HttpHandler handler) {
    return exchange -> {
      try (exchange) {
        try {
          handler.handle(exchange);
        } catch (RuntimeException e) {
          send(exchange, 500, Map.of(), ArmResponse.error(500, "SandboxBug", e.toString()).body());
        }
      }
    };
  }

  static String body(HttpExchange exchange) throws IOException {
    return new String(bodyBytes(exchange), StandardCharsets.UTF_8);
  }

  static byte[] bodyBytes(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      return in.readAllBytes();
    }
  }

  /** The token of an {@code Authorization: Bearer ...} header; empty for a missing header or another scheme. */
  static Optional<String> bearerToken(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    return Optional.of(authorization.substring(7).trim());
  }

  /** Decoded query parameters; the first value wins. */
  static Map<String, String> queryParameters(String rawQuery) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      parameters.putIfAbsent(name, value);
    }
    return parameters;
  }

  static void send(HttpExchange exchange, int status, Map<String, String> headers, String body) throws IOException {
    headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    exchange.getResponseHeaders().set("Content-Type", JSON);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
