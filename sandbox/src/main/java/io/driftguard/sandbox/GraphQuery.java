package io.driftguard.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser for exactly the Resource Graph query driftguard sends: function apps and slots from
 * {@code resources}, left-joined with their {@code config/web} row of {@code appserviceresources}, kept where one of
 * the conditions holds, projected to {@code id, subscriptionId} and ordered by id. Anything else is refused, so a
 * change to driftguard's query that the sandbox does not understand fails loudly instead of answering wrongly.
 */
record GraphQuery(Set<String> types, String kindContains, List<Condition> conditions) {

  static final String JOIN = "| join kind=leftouter (appserviceresources"
      + " | where type in~ ('microsoft.web/sites/config', 'microsoft.web/sites/slots/config') and id endswith '/config/web'"
      + " | extend siteKey = tolower(tostring(split(id, '/config/')[0]))"
      + " | project siteKey, config = properties) on siteKey";
  private static final Set<String> SITE_TYPES = Set.of("microsoft.web/sites", "microsoft.web/sites/slots");
  private static final Pattern SOURCE =
      Pattern.compile("\\| where type in~ \\(((?:'[^']*'(?:, )?)+)\\) and kind contains '([a-z]+)'");
  private static final Pattern NOT_IN = Pattern.compile(
      "tostring\\((properties|config)\\.([A-Za-z][A-Za-z0-9]*)\\) !in \\(((?:'[A-Za-z0-9.]*'(?:, )?)+)\\)");

  /** True when an app is kept: {@code isnull(config)}, or {@code tostring(column.Property) !in (values)}. */
  record Condition(String column, String property, Set<String> values) {
    boolean holds(Row row) {
      JsonNode document = column.equals("config") ? row.config() : row.properties();
      if (column.equals("config") && property == null) {
        return document == null;
      }
      JsonNode value = document == null ? null : document.get(property);
      String text = value == null || value.isNull() ? "" : value.asText();
      return !values.contains(text);
    }
  }

  /** A function app or slot as Resource Graph indexes it; {@code config} null when its config/web is not indexed. */
  record Row(String id, String subscriptionId, String type, String kind, ObjectNode properties, ObjectNode config) {}

  static GraphQuery parse(String query) {
    List<String> lines = Arrays.asList(query.split("\n", -1));
    int at = 0;
    expect(lines, at++, "resources");
    Matcher source = SOURCE.matcher(line(lines, at++));
    if (!source.matches()) {
      throw refused("expected '| where type in~ (...) and kind contains '...'' after 'resources'");
    }
    Set<String> types = Set.copyOf(strings(source.group(1)));
    if (!SITE_TYPES.containsAll(types)) {
      throw refused("only sites and slots are indexed here: " + types);
    }
    expect(lines, at++, "| extend siteKey = tolower(id)");
    expect(lines, at++, JOIN);
    List<Condition> conditions = new ArrayList<>();
    if (line(lines, at).startsWith("| where ")) {
      for (String condition : line(lines, at++).substring("| where ".length()).split(" or ", -1)) {
        conditions.add(condition(condition));
      }
    }
    expect(lines, at++, "| project id, subscriptionId");
    expect(lines, at++, "| order by id asc");
    if (at != lines.size()) {
      throw refused("nothing may follow '| order by id asc'");
    }
    return new GraphQuery(types, source.group(2), List.copyOf(conditions));
  }

  /** Whether the query keeps this row. */
  boolean keeps(Row row) {
    return types.contains(row.type()) && row.kind() != null && row.kind().toLowerCase().contains(kindContains)
        && (conditions.isEmpty() || conditions.stream().anyMatch(condition -> condition.holds(row)));
  }

  private static Condition condition(String text) {
    if (text.equals("isnull(config)")) {
      return new Condition("config", null, Set.of());
    }
    Matcher notIn = NOT_IN.matcher(text);
    if (!notIn.matches()) {
      throw refused("unsupported condition '" + text + "'");
    }
    return new Condition(notIn.group(1), notIn.group(2), Set.copyOf(strings(notIn.group(3))));
  }

  private static List<String> strings(String list) {
    return Arrays.stream(list.split(", ")).map(quoted -> quoted.substring(1, quoted.length() - 1)).toList();
  }

  private static String line(List<String> lines, int at) {
    return at < lines.size() ? lines.get(at) : "";
  }

  private static void expect(List<String> lines, int at, String wanted) {
    if (!line(lines, at).equals(wanted)) {
      throw refused("expected '" + wanted + "' at line " + (at + 1));
    }
  }

  private static IllegalArgumentException refused(String why) {
    return new IllegalArgumentException("Query is invalid: " + why
        + ". Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.");
  }
}
