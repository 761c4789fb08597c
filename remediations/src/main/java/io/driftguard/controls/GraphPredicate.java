package io.driftguard.controls;

import io.driftguard.documents.Document;
import io.driftguard.documents.Documents;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What Azure Resource Graph needs to pre-filter a sweep on one control: KQL conditions over the app's indexed
 * documents, any of which is TRUE when the app is (or may be) non-compliant. Each condition keeps what it cannot see: a
 * missing property reads as {@code ""}, which no compliant list holds, and values are compared as a superset of what
 * the control accepts, so the pre-filter never hides drift the engine would find.
 *
 * <p>Paths are written as ARM spells them ({@code cors/allowedOrigins}); the site's properties are in {@code resources}
 * as ARM spells them, {@code config/web}'s in the {@code appserviceresources} table in PascalCase, every segment
 * ({@code config.Cors.AllowedOrigins}). Names and values are plain words, so no condition can carry other KQL.
 */
public record GraphPredicate(List<String> conditions) {

  private static final String NAME = "[A-Za-z][A-Za-z0-9]*";
  private static final String VALUE = "[A-Za-z0-9.|*-]+";

  public GraphPredicate {
    conditions = List.copyOf(conditions);
    if (conditions.isEmpty()) {
      throw new IllegalArgumentException("a predicate needs a condition");
    }
  }

  /** How Resource Graph holds a document's properties: the row column, and its spelling of ARM's property names. */
  private record Indexed(String column, UnaryOperator<String> spelling) {}

  /**
   * The documents Resource Graph indexes: the site in {@code resources}, {@code config/web} in
   * {@code appserviceresources} (PascalCase). Others (the basic-auth publishing policies, authsettingsV2) are not.
   */
  private static final Map<Document, Indexed> INDEXED = Map.of(
      Documents.SITE, new Indexed("properties", UnaryOperator.identity()),
      Documents.WEB_CONFIG, new Indexed("config",
          name -> Character.toUpperCase(name.charAt(0)) + name.substring(1)));

  /** Whether Resource Graph indexes the document, so that a predicate can be written over it. */
  public static boolean isIndexed(Document document) {
    return INDEXED.containsKey(document);
  }

  /** True when the property's value (as text) is none of {@code compliantValues}, compared case-sensitively. */
  public static GraphPredicate notIn(Document document, String armPath, List<String> compliantValues) {
    return new GraphPredicate(List.of(notInCondition(document, armPath, compliantValues, "!in")));
  }

  /** As {@link #notIn}, compared ignoring case ({@code !in~}). */
  public static GraphPredicate notInIgnoringCase(Document document, String armPath, List<String> compliantValues) {
    return new GraphPredicate(List.of(notInCondition(document, armPath, compliantValues, "!in~")));
  }

  /** True when the property is missing or null. */
  public static GraphPredicate absent(Document document, String armPath) {
    return new GraphPredicate(List.of("isnull(" + path(document, armPath) + ")"));
  }

  /** True when the property is present. */
  public static GraphPredicate present(Document document, String armPath) {
    return new GraphPredicate(List.of("isnotnull(" + path(document, armPath) + ")"));
  }

  /** True when the property's value as text contains {@code text}, ignoring case (KQL's {@code contains}). */
  public static GraphPredicate contains(Document document, String armPath, String text) {
    return new GraphPredicate(List.of("tostring(" + path(document, armPath) + ") contains " + quoted(text)));
  }

  /** True when the app's tags (names or values) contain {@code text}, ignoring case. */
  public static GraphPredicate tagsContain(String text) {
    return new GraphPredicate(List.of("tostring(tags) contains " + quoted(text)));
  }

  /** True when any of the predicates is. */
  public static GraphPredicate anyOf(GraphPredicate... predicates) {
    return new GraphPredicate(Arrays.stream(predicates).flatMap(predicate -> predicate.conditions().stream()).toList());
  }

  /** {@code tostring(config.FtpsState) !in ('Disabled') or ...}. */
  public String kql() {
    return String.join(" or ", conditions);
  }

  private static String notInCondition(Document document, String armPath, List<String> values, String operator) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no compliant values for " + armPath);
    }
    return "tostring(" + path(document, armPath) + ") " + operator + " ("
        + values.stream().map(GraphPredicate::quoted).collect(Collectors.joining(", ")) + ")";
  }

  /** {@code config.Cors.AllowedOrigins} for {@code config/web} and {@code cors/allowedOrigins}. */
  private static String path(Document document, String armPath) {
    Indexed indexed = Optional.ofNullable(INDEXED.get(document))
        .orElseThrow(() -> new IllegalArgumentException("Resource Graph does not index " + document));
    return Stream.concat(Stream.of(indexed.column()), Arrays.stream(armPath.split("/", -1)).map(segment -> {
      if (!segment.matches(NAME)) {
        throw new IllegalArgumentException("not a plain property path: " + armPath);
      }
      return indexed.spelling().apply(segment);
    })).collect(Collectors.joining("."));
  }

  private static String quoted(String value) {
    if (!value.matches(VALUE)) {
      throw new IllegalArgumentException("not a plain value: " + value);
    }
    return "'" + value + "'";
  }
}
