package io.driftguard.cli;

import io.driftguard.config.Driftguard;
import io.driftguard.config.Durations;
import io.driftguard.config.Settings;
import io.driftguard.engine.FindingState;
import io.driftguard.record.AuditEntry;
import io.driftguard.record.TableAuditTrail;
import io.driftguard.record.TableFindingStates;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code history}: what driftguard did, from the audit trail in Table storage, newest first. */
final class HistoryCommand implements Main.Command {

  static final String HELP = """
      usage: driftguard history [--app NAME] [--since DURATION] [--json]
             driftguard history --app NAME --control ID [--json]

      Lists what driftguard did (fixed, alerted, fix-failed, backed-off), newest first, from its audit trail in the
      Functions storage account: set AzureWebJobsStorage (a connection string) or AzureWebJobsStorage__accountName
      (your own identity, e.g. az login, needs Storage Table Data Reader).

        --app NAME        one app, or one slot as NAME/SLOT (case-insensitive)
        --control ID      with --app: that finding's life instead (opened, changed, reminded, exempted, resolved,
                          and by whom), oldest first
        --since DURATION  how far back: 90s, 15m, 1h, 7d or ISO-8601 (default 24h)
        --json            one JSON object per line instead of a table

      exit: 0 listed (even if empty), 64 bad arguments, 78 no storage configured
      """;

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Optional<String> app = Optional.empty();
    Optional<String> control = Optional.empty();
    Duration since = Duration.ofHours(24);
    boolean json = false;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--help", "-h" -> {
            out.print(HELP);
            return ExitCode.OK;
          }
          case "--app" -> app = Optional.of(Arguments.value(args, ++i));
          case "--control" -> control = Optional.of(Arguments.value(args, ++i));
          case "--since" -> since = Durations.parse(Arguments.value(args, ++i));
          case "--json" -> json = true;
          default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
        }
      }
      if (control.isPresent() && app.isEmpty()) {
        throw new IllegalArgumentException("--control needs --app: a finding is an app's (or slot's) control");
      }
    } catch (IllegalArgumentException e) {
      err.println("driftguard history: " + e.getMessage());
      err.print(HELP);
      return ExitCode.USAGE;
    }
    if (control.isPresent()) {
      return lifeOf(app.get(), control.get(), json, out, err);
    }
    TableAuditTrail audit = Driftguard.auditTrail(Settings.fromEnvironment());
    List<AuditEntry> entries = audit.history(app, Instant.now().minus(since));
    if (json) {
      entries.forEach(entry -> out.println(Json.write(entry)));
    } else {
      print(entries, out);
      err.println(entries.size() + " entries since " + Durations.format(since) + " ago" + app.map(name -> " for " + name).orElse(""));
    }
    return ExitCode.OK;
  }

  /** One finding's steps, oldest first; the app matched by name as the table keeps it (lower-case). */
  private static int lifeOf(String app, String control, boolean json, PrintStream out, PrintStream err) {
    TableFindingStates findings = Driftguard.findingStates(Settings.fromEnvironment());
    Optional<FindingState> finding = findings.findings(true).stream()
        .filter(state -> state.app().equals(app.toLowerCase(Locale.ROOT)) && state.rule().equals(control))
        .findFirst();
    if (finding.isEmpty()) {
      err.println("driftguard history: no finding of " + control + " on " + app + " in the ledger");
      return ExitCode.OK;
    }
    List<FindingState> steps = findings.history(finding.get().resource(), control);
    if (json) {
      steps.forEach(step -> out.println(Json.write(step)));
      return ExitCode.OK;
    }
    Table table = new Table("time (UTC)", "step", "status", "observed", "mode", "by", "event");
    steps.forEach(step -> table.row(step.changedAt().toString(), step.last().label(), step.status().label(),
        step.observed(), step.mode(), step.by(), step.eventId()));
    table.print(out);
    err.println(steps.size() + " steps of " + control + " on " + finding.get().app());
    return ExitCode.OK;
  }

  static void print(List<AuditEntry> entries, PrintStream out) {
    Table table = new Table("time (UTC)", "app", "rule", "action", "before -> after", "changed by", "mode", "event");
    for (AuditEntry entry : entries) {
      table.row(entry.recordedAt().toString(), entry.app(), entry.rule(), entry.action(),
          entry.before() + " -> " + entry.after(), entry.actor(), entry.mode() + " (" + entry.modeSource() + ")",
          entry.eventId());
    }
    table.print(out);
  }

}
