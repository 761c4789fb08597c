package io.driftguard.sandbox;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** Frames the fake ARM in HTTP: the headers ARM sends on every answer; {@code /_sandbox/} goes to the admin API. */
final class ArmHttpHandler implements HttpHandler {
  private final FakeArm arm;
  private final AdminEndpoint admin;

  ArmHttpHandler(FakeArm arm, AdminEndpoint admin) {
    this.arm = arm;
    this.admin = admin;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    if (exchange.getRequestURI().getPath().startsWith(AdminEndpoint.PREFIX)) {
      admin.handle(exchange);
      return;
    }
    Headers headers = exchange.getRequestHeaders();
    String correlationId = Objects.requireNonNullElseGet(
        headers.getFirst("x-ms-correlation-request-id"), () -> UUID.randomUUID().toString());
    String rawQuery = exchange.getRequestURI().getRawQuery();
    ArmRequest request = new ArmRequest(
        Instant.now(),
        exchange.getRequestMethod(),
        exchange.getRequestURI().getPath(),
        rawQuery == null ? "" : rawQuery,
        Http.body(exchange),
        Objects.requireNonNullElseGet(
            headers.getFirst("x-ms-client-request-id"), () -> UUID.randomUUID().toString()),
        correlationId,
        exchange.getRemoteAddress().getAddress().getHostAddress());
    ArmResponse response = arm.receive(request, headers.getFirst("Authorization"));
    if (response == ArmResponse.DROP_CONNECTION) {
      return; // closing an exchange that sent no headers closes the connection
    }
    Map<String, String> responseHeaders = new HashMap<>(response.headers());
    responseHeaders.put("x-ms-request-id", UUID.randomUUID().toString());
    responseHeaders.put("x-ms-correlation-request-id", correlationId);
    // A bucket's real count when the request took a token; else (throttling off, refused before it) a full
    // Azure bucket less this request.
    ArmThrottling.Kind kind = ArmThrottling.Kind.of(request.method());
    responseHeaders.putIfAbsent(kind.remainingHeader, kind == ArmThrottling.Kind.READ ? "249" : "199");
    Http.send(exchange, response.status(), responseHeaders, response.body());
  }
}
