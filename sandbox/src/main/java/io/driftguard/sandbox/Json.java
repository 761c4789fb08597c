package io.driftguard.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** Jackson helpers shared by the sandbox. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Parses a request body that must be a JSON object; null if it is anything else. */
  static ObjectNode parseObject(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      return node instanceof ObjectNode object ? object : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** Parses a request body that must be a JSON array; null if it is anything else. */
  static ArrayNode parseArray(String text) {
    try {
      return MAPPER.readTree(text) instanceof ArrayNode array ? array : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode fromMap(Map<String, ?> map) {
    return map == null ? object() : MAPPER.valueToTree(map);
  }

  static Map<String, Object> toMap(JsonNode node) {
    return MAPPER.convertValue(node, new TypeReference<Map<String, Object>>() {});
  }

  static ObjectNode resource(String name) {
    try (InputStream in = Json.class.getResourceAsStream(name)) {
      return (ObjectNode) MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Merges {@code patch} into {@code target} the way ARM PATCH does: objects merge recursively, everything else
   * replaces, and null means "not specified" (the Azure SDK never sends nulls it means to apply).
   */
  static void deepMerge(ObjectNode target, JsonNode patch) {
    patch.fields().forEachRemaining(field -> {
      JsonNode value = field.getValue();
      JsonNode existing = target.get(field.getKey());
      if (value.isNull()) {
        return;
      }
      if (value.isObject() && existing instanceof ObjectNode existingObject) {
        deepMerge(existingObject, value);
      } else {
        target.set(field.getKey(), value.deepCopy());
      }
    });
  }
}
