package io.driftguard.controls;

import io.driftguard.documents.Document;
import io.driftguard.documents.Documents;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * What Azure Resource Graph needs to pre-filter a sweep on one control: the document, the property as Resource Graph
 * spells it and the values that are compliant. Rendered as a KQL condition that is TRUE when the app is (or may be)
 * non-compliant: a missing property reads as {@code ""}, which no compliant list holds, so what Resource Graph cannot
 * see is always a candidate and read directly. Values are compared case-sensitively, a superset of what the controls
 * accept, so the pre-filter never hides drift the engine would find.
 *
 * @param graphProperty the property name in the row: site properties as ARM spells them ({@code resources} table),
 *     {@code config/web} properties in PascalCase, as the {@code appserviceresources} table indexes them
 */
public record GraphPredicate(Document document, String graphProperty, List<String> compliantValues) {

  public GraphPredicate {
    indexed(document);
    compliantValues = List.copyOf(compliantValues);
    if (!graphProperty.matches("[A-Za-z][A-Za-z0-9]*") || compliantValues.isEmpty()
        || compliantValues.stream().anyMatch(value -> !value.matches("[A-Za-z0-9.]+"))) {
      throw new IllegalArgumentException("not a plain property and value list: " + graphProperty + " " + compliantValues);
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

  /** For a property named as ARM spells it in {@code document}: Resource Graph's spelling is derived here, once. */
  static GraphPredicate of(Document document, String armProperty, List<String> compliantValues) {
    return new GraphPredicate(document, indexed(document).spelling().apply(armProperty), compliantValues);
  }

  /** The column a query row holds the document's properties in. */
  public static String column(Document document) {
    return indexed(document).column();
  }

  private static Indexed indexed(Document document) {
    return Optional.ofNullable(INDEXED.get(document))
        .orElseThrow(() -> new IllegalArgumentException("Resource Graph does not index " + document));
  }

  /** {@code tostring(config.FtpsState) !in ('Disabled')}: true when the value is not one of the compliant ones. */
  public String kql() {
    return "tostring(" + column(document) + "." + graphProperty + ") !in ("
        + compliantValues.stream().map(value -> "'" + value + "'").collect(Collectors.joining(", ")) + ")";
  }
}
