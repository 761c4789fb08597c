package io.driftguard.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser for exactly the Resource Graph query driftguard sends: function apps and slots from
 * {@code resources}, left-joined with their {@code config/web} row of {@code appserviceresources}, either kept where one
 * of the conditions holds ({@code | where}) or all returned with whether one holds ({@code | extend suspect = ...}),
 * projected to {@code id, subscriptionId} (and {@code suspect}) and ordered by id. Conditions are the shapes driftguard
 * builds, whatever the control: {@code isnull(config)}, {@code isnull(path)}, {@code isnotnull(path)},
 * {@code tostring(path) !in (...)} or {@code !in~ (...)}, {@code tostring(path) contains '...'} (ignoring case) and
 * {@code tostring(tags) contains '...'}, over {@code properties} (the site) or {@code config} (config/web, PascalCase).
 * Anything else is refused, so a change to driftguard's query that the sandbox does not understand fails loudly instead
 * of answering wrongly.
 */
record GraphQuery(Set<String> types, String kindContains, List<Condition> conditions, boolean flagsAll) {

  static final String JOIN = "| join kind=leftouter (appserviceresources"
      + " | where type in~ ('microsoft.web/sites/config', 'microsoft.web/sites/slots/config') and id endswith '/config/web'"
      + " | extend siteKey = tolower(tostring(split(id, '/config/')[0]))"
      + " | project siteKey, config = properties) on siteKey";
  private static final Set<String> SITE_TYPES = Set.of("microsoft.web/sites", "microsoft.web/sites/slots");
  private static final Pattern SOURCE =
      Pattern.compile("\\| where type in~ \\(((?:'[^']*'(?:, )?)+)\\) and kind contains '([a-z]+)'");
  private static final String PATH = "((?:properties|config)(?:\\.[A-Za-z][A-Za-z0-9]*)+)";
  private static final String VALUES = "\\(((?:'[A-Za-z0-9.|*-]*'(?:, )?)+)\\)";
  private static final Pattern NOT_IN = Pattern.compile("tostring\\(" + PATH + "\\) (!in~?) " + VALUES);
  private static final Pattern NULL_TEST = Pattern.compile("(isnull|isnotnull)\\(" + PATH + "\\)");
  private static final Pattern CONTAINS = Pattern.compile("tostring\\(" + PATH + "\\) contains '([A-Za-z0-9.|*-]+)'");
  private static final Pattern TAGS_CONTAIN = Pattern.compile("tostring\\(tags\\) contains '([A-Za-z0-9.|*-]+)'");

  /** One condition, true when it keeps (or flags) the row. */
  interface Condition {
    boolean holds(Row row);
  }

  /** A function app or slot as Resource Graph indexes it; {@code config} null when its config/web is not indexed. */
  record Row(String id, String subscriptionId, String type, String kind, ObjectNode tags, ObjectNode properties,
             ObjectNode config) {}

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
    boolean flagsAll = line(lines, at).startsWith("| extend suspect = ");
    if (flagsAll || line(lines, at).startsWith("| where ")) {
      String prefix = flagsAll ? "| extend suspect = " : "| where ";
      for (String condition : line(lines, at++).substring(prefix.length()).split(" or ", -1)) {
        conditions.add(condition(condition));
      }
    }
    expect(lines, at++, flagsAll ? "| project id, subscriptionId, suspect" : "| project id, subscriptionId");
    expect(lines, at++, "| order by id asc");
    if (at != lines.size()) {
      throw refused("nothing may follow '| order by id asc'");
    }
    return new GraphQuery(types, source.group(2), List.copyOf(conditions), flagsAll);
  }

  /** Whether the query returns this row. */
  boolean keeps(Row row) {
    return types.contains(row.type()) && row.kind() != null && row.kind().toLowerCase().contains(kindContains)
        && (flagsAll || suspect(row));
  }

  /** Whether a condition holds for the row (the {@code suspect} column, or why a kept row was kept). */
  boolean suspect(Row row) {
    return conditions.isEmpty() || conditions.stream().anyMatch(condition -> condition.holds(row));
  }

  private static Condition condition(String text) {
    if (text.equals("isnull(config)")) {
      return row -> row.config() == null;
    }
    Matcher notIn = NOT_IN.matcher(text);
    if (notIn.matches()) {
      boolean ignoringCase = notIn.group(2).equals("!in~");
      List<String> values = strings(notIn.group(3));
      return row -> {
        String value = text(row, notIn.group(1));
        return values.stream().noneMatch(ignoringCase ? value::equalsIgnoreCase : value::equals);
      };
    }
    Matcher nullTest = NULL_TEST.matcher(text);
    if (nullTest.matches()) {
      boolean wantsNull = nullTest.group(1).equals("isnull");
      return row -> (value(row, nullTest.group(2)) == null) == wantsNull;
    }
    Matcher contains = CONTAINS.matcher(text);
    if (contains.matches()) {
      return row -> containsIgnoringCase(text(row, contains.group(1)), contains.group(2));
    }
    Matcher tags = TAGS_CONTAIN.matcher(text);
    if (tags.matches()) {
      return row -> row.tags() != null && containsIgnoringCase(row.tags().toString(), tags.group(1));
    }
    throw refused("unsupported condition '" + text + "'");
  }

  /** The value at a dotted path of the row, or null where it is missing or null (as KQL's dynamic access). */
  private static JsonNode value(Row row, String path) {
    String[] segments = path.split("\\.");
    JsonNode node = segments[0].equals("config") ? row.config() : row.properties();
    for (int i = 1; i < segments.length && node != null; i++) {
      node = node.get(segments[i]);
    }
    return node == null || node.isNull() ? null : node;
  }

  /** KQL's {@code tostring}: text as is, other values as JSON, missing as {@code ""}. */
  private static String text(Row row, String path) {
    JsonNode value = value(row, path);
    return value == null ? "" : value.isTextual() ? value.asText() : value.toString();
  }

  private static boolean containsIgnoringCase(String text, String part) {
    return text.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT));
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
