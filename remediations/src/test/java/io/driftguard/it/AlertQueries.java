package io.driftguard.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The product's alert queries ({@code infra/alerts/*.kql}) applied to the rows the sandbox's Logs Ingestion received:
 * the {@code where} stages only, in the small part of KQL they use ({@code in}, {@code ==}, {@code !=}, {@code <=},
 * {@code >=}, joined by {@code and}). Anything else in a {@code where} fails the test rather than matching silently.
 */
final class AlertQueries {

  private static final Path ALERTS = Path.of("..", "infra", "alerts");
  private static final Pattern TERM = Pattern.compile(
      "(\\w+)\\s*(?:in\\s*\\(([^)]*)\\)|(==|!=|<=|>=)\\s*(\"[^\"]*\"|\\d+))");

  private AlertQueries() {}

  /** The rows the query's filters keep: each a notification of its rule (one per app, control and event). */
  static List<Map<String, Object>> selected(String query, List<Map<String, Object>> rows) {
    Predicate<Map<String, Object>> filter = filter(query);
    return rows.stream().filter(filter).toList();
  }

  private static Predicate<Map<String, Object>> filter(String query) {
    String kql;
    try {
      kql = Files.readString(ALERTS.resolve(query)).replaceAll("(?m)//.*$", "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Predicate<Map<String, Object>> all = row -> true;
    for (String stage : kql.split("\\|")) {
      String trimmed = stage.trim();
      if (trimmed.startsWith("where ")) {
        for (String term : trimmed.substring("where ".length()).split("\\s+and\\s+")) {
          all = all.and(term(term.trim()));
        }
      }
    }
    return all;
  }

  private static Predicate<Map<String, Object>> term(String term) {
    Matcher matcher = TERM.matcher(term);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("a where term the test cannot evaluate: " + term);
    }
    String column = matcher.group(1);
    if (matcher.group(2) != null) {
      List<String> values = Arrays.stream(matcher.group(2).split(",")).map(String::trim)
          .map(value -> value.substring(1, value.length() - 1)).toList();
      return row -> values.contains(String.valueOf(row.get(column)));
    }
    String operand = matcher.group(4);
    return switch (matcher.group(3)) {
      case "==" -> row -> Objects.equals(String.valueOf(row.get(column)), operand.replace("\"", ""));
      case "!=" -> row -> !Objects.equals(String.valueOf(row.get(column)), operand.replace("\"", ""));
      case "<=" -> row -> ((Number) row.get(column)).intValue() <= Integer.parseInt(operand);
      default -> row -> ((Number) row.get(column)).intValue() >= Integer.parseInt(operand);
    };
  }
}
