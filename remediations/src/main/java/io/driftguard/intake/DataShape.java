package io.driftguard.intake;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shape a {@code ResourceWriteSuccess} payload must have before any model reads it: an object, its strings
 * strings, its maps maps of strings. A crafted event gets a plain reason instead of a deserializer's error.
 */
final class DataShape {

  private static final List<String> STRINGS = List.of("resourceUri", "subscriptionId", "tenantId", "resourceGroup",
      "resourceProvider", "operationName", "status", "correlationId");
  private static final List<String> OBJECTS = List.of("authorization", "httpRequest");

  private DataShape() {}

  static Optional<String> problem(JsonNode data) {
    if (data == null || data.isMissingNode() || data.isNull()) {
      return Optional.of("the event has no data");
    }
    if (!data.isObject()) {
      return Optional.of("data must be an object");
    }
    for (String field : STRINGS) {
      if (data.has(field) && !data.get(field).isTextual() && !data.get(field).isNull()) {
        return Optional.of("data." + field + " must be a string");
      }
    }
    for (String field : OBJECTS) {
      if (data.has(field) && !data.get(field).isObject() && !data.get(field).isNull()) {
        return Optional.of("data." + field + " must be an object");
      }
    }
    for (Map.Entry<String, JsonNode> map : Map.of("claims", data.path("claims"),
        "authorization.evidence", data.path("authorization").path("evidence")).entrySet()) {
      if (!map.getValue().isMissingNode() && !map.getValue().isNull() && !isStringMap(map.getValue())) {
        return Optional.of("data." + map.getKey() + " must be a map of strings");
      }
    }
    return Optional.empty();
  }

  private static boolean isStringMap(JsonNode node) {
    if (!node.isObject()) {
      return false;
    }
    for (Iterator<JsonNode> values = node.elements(); values.hasNext(); ) {
      if (!values.next().isTextual()) {
        return false;
      }
    }
    return true;
  }
}
