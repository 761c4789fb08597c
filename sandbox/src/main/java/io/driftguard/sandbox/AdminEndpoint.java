package io.driftguard.sandbox;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * Drives the sandbox when it runs as a separate process (the demo): {@code /_sandbox/...} on the ARM port, without
 * authentication, not in the request log.
 */
final class AdminEndpoint {
  static final String PREFIX = "/_sandbox/";

  private final FakeArm arm;

  AdminEndpoint(FakeArm arm) {
    this.arm = arm;
  }

  void handle(HttpExchange exchange) throws IOException {
    String route = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath().substring(PREFIX.length());
    String body = Http.body(exchange);
    try {
      switch (route) {
        case "GET requests" -> Http.send(exchange, 200, Map.of(), Json.write(requestLog()));
        case "GET events" ->
          Http.send(exchange, 200, Map.of(), "[" + String.join(",", arm.drainEmittedEvents()) + "]");
        case "POST faults" -> {
          arm.inject(fault(Json.parse(body)));
          Http.send(exchange, 204, Map.of(), "");
        }
        case "DELETE faults" -> {
          arm.clearFaults();
          Http.send(exchange, 204, Map.of(), "");
        }
        case "POST sites" -> {
          SiteHandle site = seed(Json.parse(body));
          Http.send(exchange, 201, Map.of(), Json.write(Json.fromMap(arm.site(site.id()))));
        }
        default -> Http.send(exchange, 404, Map.of(), ArmResponse.error(404, "NotFound",
            "Admin routes: GET requests, GET events, POST faults, DELETE faults, POST sites.").body());
      }
    } catch (IllegalArgumentException e) {
      Http.send(exchange, 400, Map.of(), ArmResponse.error(400, "BadRequest", e.getMessage()).body());
    }
  }

  private ArrayNode requestLog() {
    ArrayNode log = Json.MAPPER.createArrayNode();
    for (RecordedRequest r : arm.requests()) {
      log.addObject()
          .put("at", r.at().toString())
          .put("method", r.method())
          .put("path", r.path())
          .put("query", r.query())
          .put("body", r.body())
          .put("status", r.status())
          .put("callerObjectId", r.callerObjectId())
          .put("secretRevealing", FakeArm.isSecretRevealing(r))
          .put("wholeDocumentPut", FakeArm.isWholeDocumentPut(r));
    }
    return log;
  }

  /** {@code {"method":"PATCH","path":"/config/web$","status":429,"retryAfterSeconds":1,"times":2,
   * "delayMillis":0,"resetConnection":false}}; times may be "always". */
  private static Fault fault(JsonNode spec) {
    Fault fault = Fault.on(spec.path("method").asText("*"), required(spec, "path").asText())
        .status(spec.path("status").asInt(0))
        .retryAfterSeconds(spec.path("retryAfterSeconds").asInt(-1))
        .delay(Duration.ofMillis(spec.path("delayMillis").asLong(0)))
        .times(spec.path("times").asText().equals("always") ? Fault.ALWAYS : spec.path("times").asInt(1));
    return spec.path("resetConnection").asBoolean(false) ? fault.resetConnection() : fault;
  }

  /** {@code {"subscriptionId","resourceGroup","name","slot"?,"kind","tags":{},"httpsOnly","webConfig":{}}} */
  private SiteHandle seed(JsonNode spec) {
    String subscription = required(spec, "subscriptionId").asText();
    String group = required(spec, "resourceGroup").asText();
    String name = required(spec, "name").asText();
    String kind = spec.hasNonNull("kind") ? spec.get("kind").asText() : null;
    Map<String, String> tags = spec.get("tags") instanceof ObjectNode t
        ? Json.MAPPER.convertValue(t, new TypeReference<Map<String, String>>() {})
        : null;
    boolean httpsOnly = spec.path("httpsOnly").asBoolean(false);
    Map<String, Object> webConfig = spec.get("webConfig") instanceof ObjectNode c ? Json.toMap(c) : Map.of();
    return spec.hasNonNull("slot")
        ? arm.seedSlot(subscription, group, name, spec.get("slot").asText(), kind, tags, httpsOnly, webConfig)
        : arm.seedSite(subscription, group, name, kind == null ? "functionapp" : kind, tags, httpsOnly, webConfig);
  }

  private static JsonNode required(JsonNode spec, String field) {
    if (!spec.hasNonNull(field)) {
      throw new IllegalArgumentException("missing field: " + field);
    }
    return spec.get(field);
  }
}
