package io.driftguard.cli;

import io.driftguard.controls.ControlCatalog;
import io.driftguard.engine.Action;
import io.driftguard.engine.Decision;
import io.driftguard.engine.DecisionJson;
import io.driftguard.engine.Finding;
import io.driftguard.engine.Outcome;
import io.driftguard.sweep.SweepSummary;
import io.driftguard.text.Printable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a scan found, per function app and slot and in total: for people (a table, or markdown to paste into a ticket)
 * or for machines (JSON lines), or one page to open in a browser ({@link HtmlReport}).
 */
final class ScanReport {

  enum Format {
    TABLE, JSON, MARKDOWN, HTML;

    static Format parse(String text) {
      for (Format format : values()) {
        if (format.name().equalsIgnoreCase(text)) {
          return format;
        }
      }
      throw new IllegalArgumentException("must be table, json, markdown or html, not '" + text + "'");
    }
  }

  /** Apps and slots by what became of them; {@code left}: those with findings not fixed, or not evaluated. */
  record Totals(String runId, boolean dryRun, boolean complete, List<String> subscriptions, int scanned, int compliant,
                int withFindings, int fixed, int alerted, int failed, int skipped, int left, int notFunctionApps,
                int listReads, long elapsedMs, List<String> problems) {}

  /** What markdown reads as syntax within a line: every one may be backslash-escaped (CommonMark, GitHub). */
  private static final Pattern MARKDOWN_SYNTAX = Pattern.compile("[\\\\`*_{}\\[\\]()<>#+!|~&]");

  private final List<Decision> decisions;
  private final Totals totals;

  ScanReport(List<Decision> decisions, SweepSummary summary, List<String> subscriptions, boolean dryRun) {
    // Segment by segment, so that an app's slots follow it ('-' sorts before '/').
    this.decisions = decisions.stream()
        .sorted(Comparator.comparing(decision -> decision.resource().toLowerCase(Locale.ROOT).replace('/', '\u0001')))
        .toList();
    Map<Outcome, Integer> outcomes = summary.outcomes();
    this.totals = new Totals(summary.runId(), dryRun, summary.complete(), subscriptions, summary.decided(),
        outcomes.getOrDefault(Outcome.COMPLIANT, 0), count(decision -> !decision.findings().isEmpty()),
        outcomes.getOrDefault(Outcome.FIXED, 0), outcomes.getOrDefault(Outcome.ALERTED, 0),
        outcomes.getOrDefault(Outcome.FAILED, 0), outcomes.getOrDefault(Outcome.SKIPPED, 0), count(ScanReport::left),
        summary.notFunctionApps(), summary.listReads(), summary.elapsedMs(), summary.problems());
  }

  boolean findingsLeft() {
    return totals.left() > 0;
  }

  void print(Format format, PrintStream out) {
    switch (format) {
      case TABLE -> {
        table(rows()).print(out);
        out.println();
        table(summary()).print(out);
        List<String> problems = problems();
        if (!problems.isEmpty()) {
          out.println("\nproblems:");
          problems.forEach(problem -> out.println("  " + Printable.clean(problem)));
        }
        hint().ifPresent(hint -> out.println("\n" + hint));
      }
      case MARKDOWN -> {
        List<String[]> rows = rows();
        out.println(markdownRow(rows.get(0)));
        out.println("|---".repeat(rows.get(0).length) + "|");
        rows.subList(1, rows.size()).forEach(row -> out.println(markdownRow(row)));
        out.println();
        summary().forEach(line -> out.println("- " + markdown(line[0]) + ": " + markdown(line[1])));
        problems().forEach(problem -> out.println("- problem: " + markdown(problem)));
        hint().ifPresent(hint -> out.println("\n" + hint));
      }
      case JSON -> {
        decisions.forEach(decision -> out.println(DecisionJson.toJson(decision)));
        out.println(Json.write(Map.of("summary", totals)));
      }
      case HTML -> new HtmlReport(decisions, totals, problems(), hint()).write(out);
    }
  }

  /** The report in a file, UTF-8, replacing what was there. */
  void write(Format format, Path file) throws IOException {
    try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
      print(format, out);
      if (out.checkError()) {
        throw new IOException("could not write " + file);
      }
    }
  }

  /** The header, then one row per app and slot. */
  private List<String[]> rows() {
    boolean manySubscriptions = totals.subscriptions().size() > 1;
    List<String> header = new ArrayList<>(manySubscriptions ? List.of("subscription") : List.of());
    header.addAll(List.of("resource", "resource group", "hosting"));
    List<String> shown = shownControls(decisions);
    header.addAll(shown);
    List<String[]> rows = new ArrayList<>();
    rows.add(header.toArray(String[]::new));
    for (Decision decision : decisions) {
      // A sweep's ids are canonical: /subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.Web/sites/...
      String[] parts = decision.resource().split("/");
      List<String> row = new ArrayList<>(manySubscriptions ? List.of(parts[2]) : List.of());
      row.addAll(List.of(Narration.shortName(decision.resource()), parts[4], hosting(decision)));
      shown.forEach(control -> row.add(status(decision, control)));
      rows.add(row.toArray(String[]::new));
    }
    return rows;
  }

  /** How the app is hosted, or {@code ?} when its site could not be read. */
  static String hosting(Decision decision) {
    return decision.hostingModel() == null ? "?" : decision.hostingModel();
  }

  /** A column per control that was on for some app: opt-in controls nobody turned on would only say "off". */
  static List<String> shownControls(List<Decision> decisions) {
    return ControlCatalog.ids().stream()
        .filter(control -> decisions.stream().anyMatch(decision -> !status(decision, control).equals("off")))
        .toList();
  }

  /** Short: what became of the control, the value seen (and the one a fix wrote); why a fix failed is under problems. */
  static String status(Decision decision, String control) {
    return decision.findings().stream().filter(finding -> finding.rule().equals(control)).findFirst()
        .map(finding -> switch (finding.action()) {
          case FIXED -> "fixed: " + finding.named(finding.observed() + " -> " + finding.written());
          case ALERTED -> "alerted: " + finding.named(finding.observed());
          case FIX_FAILED -> "FIX FAILED: " + finding.named(finding.observed());
          case BACKED_OFF -> "BACKED OFF: " + finding.named(finding.observed());
          case REFUSED_BY_ARM -> "refused by ARM: " + finding.named(finding.observed());
          case WOULD_FIX -> "would fix: " + finding.named(finding.observed());
          case WOULD_ALERT -> "would alert: " + finding.named(finding.observed());
          case EXEMPTED -> "exempted: " + finding.named(finding.observed());
        })
        .orElse(decision.evaluated().contains(control) ? "ok"
            : decision.evaluated().stream().anyMatch(entry -> entry.startsWith(control + " (not judged")) ? "not judged"
            : decision.evaluated().stream().anyMatch(entry -> entry.startsWith(control + " (not applicable")) ? "n/a"
            : decision.outcome() == Outcome.FAILED ? "?" : "off");
  }

  private List<String[]> summary() {
    Totals t = totals;
    return List.of(
        line("apps and slots scanned", t.scanned() + (t.dryRun() ? " (dry run: nothing changed)" : "")),
        line("compliant", t.compliant()),
        line("with findings", t.withFindings()),
        line("fixed", t.fixed()),
        line("alerted", t.alerted()),
        line("failed", t.failed()),
        line("skipped (controls off)", t.skipped()),
        line("left with findings", t.left()),
        line("not function apps, passed over", t.notFunctionApps()),
        line("ARM list reads", t.listReads()),
        line("elapsed", String.format(Locale.ROOT, "%.1f s", t.elapsedMs() / 1000.0)));
  }

  private static String[] line(String label, Object value) {
    return new String[] {label, String.valueOf(value)};
  }

  /** The sweep's own, then why an app was not evaluated or a fix did not land. */
  private List<String> problems() {
    List<String> problems = new ArrayList<>(totals.problems());
    for (Decision decision : decisions) {
      String name = Narration.shortName(decision.resource());
      if (decision.outcome() == Outcome.FAILED && decision.findings().isEmpty()) {
        problems.add(name + ": " + decision.reason());
      }
      for (Finding finding : decision.findings()) {
        if (finding.detail() != null) {
          problems.add(name + ": " + finding.rule() + " " + finding.action().label() + ": " + finding.detail());
        }
      }
    }
    return problems;
  }

  /** Only a dry run has would-be actions; --fix fixes the autofix ones and only reports the notify ones. */
  private Optional<String> hint() {
    Set<Action> actions = decisions.stream().flatMap(decision -> decision.findings().stream()).map(Finding::action)
        .collect(Collectors.toSet());
    if (actions.contains(Action.WOULD_FIX)) {
      return Optional.of("run again with --fix to fix the controls in autofix mode"
          + (actions.contains(Action.WOULD_ALERT) ? "; those in notify mode are reported, not fixed" : ""));
    }
    return actions.contains(Action.WOULD_ALERT)
        ? Optional.of("the findings are in notify mode: --fix would report them, not fix them") : Optional.empty();
  }

  /**
   * Something remains for a person: a finding that was not fixed, or an app that could not be evaluated. An exempted
   * finding was accepted by whoever tagged the app, and its row says so.
   */
  static boolean left(Decision decision) {
    return decision.outcome() == Outcome.FAILED || decision.findings().stream()
        .anyMatch(finding -> finding.action() != Action.FIXED && finding.action() != Action.EXEMPTED);
  }

  private int count(Predicate<Decision> which) {
    return (int) decisions.stream().filter(which).count();
  }

  /** The first row is the header. */
  private static Table table(List<String[]> rows) {
    Table table = new Table(rows.get(0));
    rows.subList(1, rows.size()).forEach(table::row);
    return table;
  }

  private static String markdownRow(String[] cells) {
    StringBuilder row = new StringBuilder("|");
    for (String cell : cells) {
      row.append(' ').append(markdown(cell)).append(" |");
    }
    return row.toString();
  }

  /**
   * Text from ARM and tags as markdown that shows it as it is: {@link Printable}, and every character markdown gives a
   * meaning inside a line backslash-escaped (emphasis, code, links and images, HTML and entities, table pipes), so a
   * value such as a CORS origin {@code [docs](https://attacker.example)} can neither hide a link nor end a cell.
   */
  private static String markdown(String text) {
    return MARKDOWN_SYNTAX.matcher(Printable.clean(text)).replaceAll("\\\\$0");
  }
}
