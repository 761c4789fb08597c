package io.driftguard.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The documents of a site or slot served from a table ({@code documents.json}): each one's path, the verbs ARM takes
 * there and the properties a new site shows. A path of a type alone ({@code hostNameBindings}) is a collection: its
 * GET lists its members, and the row's verbs and properties are those of each member ({@code hostNameBindings/{name}}),
 * of which a new site has none. A new document is a row there, not code.
 */
final class SiteDocuments {

  /** One row: {@code path} is a type and a name under the site or slot (e.g. {@code config/web}), or a collection's type. */
  record Kind(String path, Set<String> verbs, ObjectNode defaults) {

    /** A type alone: a collection of members. */
    boolean isCollection() {
      return !path.contains("/");
    }

    /** The ARM type segment under the site or slot, e.g. {@code config}. */
    String type() {
      return isCollection() ? path : path.substring(0, path.indexOf('/'));
    }

    /** The resource's {@code name}, e.g. {@code web}. */
    String name() {
      return path.substring(path.indexOf('/') + 1);
    }

    boolean accepts(String method) {
      return verbs.contains(method);
    }
  }

  /** By lower-case path, as ARM matches paths. */
  private static final Map<String, Kind> TABLE = load();

  private SiteDocuments() {}

  /** The document at a lower-case path under a site or slot. */
  static Optional<Kind> at(String lowerCasePath) {
    return Optional.ofNullable(TABLE.get(lowerCasePath));
  }

  /** The collection a lower-case path {@code type/name} under a site or slot is a member of. */
  static Optional<Kind> collectionOf(String lowerCasePath) {
    String[] segments = lowerCasePath.split("/", -1);
    return segments.length == 2 && !segments[1].isEmpty()
        ? at(segments[0]).filter(Kind::isCollection) : Optional.empty();
  }

  static List<Kind> all() {
    return List.copyOf(TABLE.values());
  }

  private static Map<String, Kind> load() {
    Map<String, Kind> table = new LinkedHashMap<>();
    for (JsonNode row : Json.resource("documents.json").get("documents")) {
      String path = row.get("path").asText();
      if (!path.matches("[A-Za-z]+(/[A-Za-z0-9]+)?")) {
        throw new IllegalStateException("documents.json: '" + path + "' is neither a type and a name nor a type");
      }
      Set<String> verbs = StreamSupport.stream(row.get("verbs").spliterator(), false).map(JsonNode::asText)
          .collect(Collectors.toUnmodifiableSet());
      table.put(path.toLowerCase(Locale.ROOT), new Kind(path, verbs, (ObjectNode) row.get("properties")));
    }
    return Collections.unmodifiableMap(table);
  }
}
