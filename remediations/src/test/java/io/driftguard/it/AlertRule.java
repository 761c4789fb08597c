package io.driftguard.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the product's alert rules as Azure Monitor runs it (infra/modules/alerting.bicep): its query from {@code
 * infra/alerts/}, run stage by stage over the rows the sandbox's Logs Ingestion received, and stateful. An alert is a
 * target ({@code TargetResourceId}) with the values of the rule's dimensions: it fires, and notifies, when an evaluation
 * first returns it, and resolves, notifying again, when one no longer does; in between it notifies nobody.
 *
 * <p>The queries use a small part of KQL, and only that runs here: {@code where} ({@code in}, {@code ==}, {@code !=},
 * {@code <=}, {@code >=}, joined by {@code and}), {@code extend C = tolower(C)} or {@code tostring(C)}, {@code summarize
 * arg_max(TimeGenerated, *) by ...} and {@code project}. Anything else fails the test rather than passing silently.
 */
final class AlertRule {

  /**
   * A notification to the action group: the alert fired or resolved, its target and dimension values, and the row it
   * fired with.
   */
  record Notification(boolean fired, List<Object> alert, Map<String, Object> row) {}

  private static final Path ALERTS = Path.of("..", "infra", "alerts");
  private static final Pattern TERM = Pattern.compile(
      "(\\w+)\\s*(?:in\\s*\\(([^)]*)\\)|(==|!=|<=|>=)\\s*(\"[^\"]*\"|\\d+))");
  private static final Pattern EXTEND = Pattern.compile("extend (\\w+) = (tolower|tostring)\\((\\w+)\\)");
  private static final Pattern ARG_MAX = Pattern.compile("summarize arg_max\\(TimeGenerated, \\*\\) by ([\\w, ]+)");

  private final List<Function<List<Map<String, Object>>, List<Map<String, Object>>>> stages;
  private final Duration range;
  private final List<String> dimensions;
  private final Map<List<Object>, Map<String, Object>> fired = new LinkedHashMap<>();

  private AlertRule(String query, Duration range, List<String> dimensions) {
    this.stages = stages(query);
    this.range = range;
    this.dimensions = List.copyOf(dimensions);
  }

  /**
   * The rule over {@code query} and the rows of the last {@code range}, split per target and {@code dimensions}
   * (alerting.bicep's, which BicepTemplateTest pins).
   */
  static AlertRule stateful(String query, Duration range, String... dimensions) {
    return new AlertRule(query, range, Arrays.asList(dimensions));
  }

  /** One evaluation at {@code now} over the rows of the query range: what it notifies. */
  List<Notification> evaluate(List<Map<String, Object>> rows, Instant now) {
    List<Map<String, Object>> results = rows.stream().filter(row -> time(row).isAfter(now.minus(range))).toList();
    for (Function<List<Map<String, Object>>, List<Map<String, Object>>> stage : stages) {
      results = stage.apply(results);
    }
    Map<List<Object>, Map<String, Object>> met = new LinkedHashMap<>();
    for (Map<String, Object> row : results) {
      List<Object> alert = new ArrayList<>(List.of(row.get("TargetResourceId")));
      dimensions.forEach(dimension -> alert.add(row.get(dimension)));
      met.put(alert, row);
    }
    List<Notification> notifications = new ArrayList<>();
    fired.forEach((alert, row) -> {
      if (!met.containsKey(alert)) {
        notifications.add(new Notification(false, alert, row));
      }
    });
    met.forEach((alert, row) -> {
      if (!fired.containsKey(alert)) {
        notifications.add(new Notification(true, alert, row));
      }
    });
    // An alert keeps what it fired with: its resolution is about that, whatever rows kept it open since.
    Map<List<Object>, Map<String, Object>> open = new LinkedHashMap<>();
    met.forEach((alert, row) -> open.put(alert, fired.getOrDefault(alert, row)));
    fired.clear();
    fired.putAll(open);
    return notifications;
  }

  private static List<Function<List<Map<String, Object>>, List<Map<String, Object>>>> stages(String query) {
    String kql;
    try {
      kql = Files.readString(ALERTS.resolve(query)).replaceAll("(?m)//.*$", "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> parts = Arrays.stream(kql.split("\\|")).map(String::trim).toList();
    if (!parts.get(0).matches("\\w+_CL")) {
      throw new IllegalArgumentException("a query the test cannot run: it starts with " + parts.get(0));
    }
    List<Function<List<Map<String, Object>>, List<Map<String, Object>>>> stages = new ArrayList<>();
    for (String stage : parts.subList(1, parts.size())) {
      stages.add(stage(stage.replaceAll("\\s+", " ")));
    }
    return stages;
  }

  private static Function<List<Map<String, Object>>, List<Map<String, Object>>> stage(String stage) {
    if (stage.startsWith("where ")) {
      Predicate<Map<String, Object>> all = row -> true;
      for (String term : stage.substring("where ".length()).split(" and ")) {
        all = all.and(term(term.trim()));
      }
      Predicate<Map<String, Object>> filter = all;
      return rows -> rows.stream().filter(filter).toList();
    }
    Matcher extend = EXTEND.matcher(stage);
    if (extend.matches()) {
      String column = extend.group(1);
      String source = extend.group(3);
      boolean lower = extend.group(2).equals("tolower");
      return rows -> rows.stream().map(row -> {
        Map<String, Object> extended = new LinkedHashMap<>(row);
        Object value = row.get(source);
        extended.put(column, value == null ? "" : lower ? String.valueOf(value).toLowerCase(Locale.ROOT)
            : String.valueOf(value));
        return extended;
      }).toList();
    }
    Matcher argMax = ARG_MAX.matcher(stage);
    if (argMax.matches()) {
      List<String> by = Arrays.stream(argMax.group(1).split(",")).map(String::trim).toList();
      return rows -> {
        Map<List<Object>, Map<String, Object>> latest = new LinkedHashMap<>();
        for (Map<String, Object> row : rows) {
          List<Object> key = by.stream().map(row::get).toList();
          Map<String, Object> kept = latest.get(key);
          if (kept == null || !time(row).isBefore(time(kept))) {
            latest.put(key, row);
          }
        }
        return List.copyOf(latest.values());
      };
    }
    if (stage.startsWith("project ")) {
      List<String> columns = Arrays.stream(stage.substring("project ".length()).split(",")).map(String::trim).toList();
      return rows -> rows.stream().map(row -> {
        Map<String, Object> projected = new LinkedHashMap<>();
        columns.forEach(column -> {
          if (!row.containsKey(column)) {
            throw new IllegalArgumentException("project names a column the rows lack: " + column);
          }
          projected.put(column, row.get(column));
        });
        return projected;
      }).toList();
    }
    throw new IllegalArgumentException("a stage the test cannot run: " + stage);
  }

  private static Instant time(Map<String, Object> row) {
    return Instant.parse(String.valueOf(row.get("TimeGenerated")));
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
