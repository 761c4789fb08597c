package io.driftguard.controls;

import io.driftguard.state.Document;
import java.util.List;
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
    compliantValues = List.copyOf(compliantValues);
    if (!graphProperty.matches("[A-Za-z][A-Za-z0-9]*") || compliantValues.isEmpty()
        || compliantValues.stream().anyMatch(value -> !value.matches("[A-Za-z0-9.]+"))) {
      throw new IllegalArgumentException("not a plain property and value list: " + graphProperty + " " + compliantValues);
    }
  }

  /** For a property named as ARM spells it in {@code document}: Resource Graph's spelling is derived here, once. */
  static GraphPredicate of(Document document, String armProperty, List<String> compliantValues) {
    String graphName = switch (document) {
      case SITE -> armProperty;
      case WEB_CONFIG -> Character.toUpperCase(armProperty.charAt(0)) + armProperty.substring(1);
    };
    return new GraphPredicate(document, graphName, compliantValues);
  }

  /** The column a query row holds the document's properties in. */
  public static String column(Document document) {
    return switch (document) {
      case SITE -> "properties";
      case WEB_CONFIG -> "config";
    };
  }

  /** {@code tostring(config.FtpsState) !in ('Disabled')}: true when the value is not one of the compliant ones. */
  public String kql() {
    return "tostring(" + column(document) + "." + graphProperty + ") !in ("
        + compliantValues.stream().map(value -> "'" + value + "'").collect(Collectors.joining(", ")) + ")";
  }
}
