package io.driftguard.cli;

import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import com.azure.core.exception.HttpResponseException;
import io.driftguard.engine.FindingState;
import io.driftguard.record.AuditEntry;
import io.driftguard.record.StorageTarget;
import io.driftguard.record.TableFindingStates;
import io.driftguard.text.Durations;
import io.driftguard.text.Printable;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code history}: what driftguard did, from the audit trail in Table storage, newest first. */
@Command(name = "history", customSynopsis = {"driftguard history [--app NAME] [--since DURATION] [--json]",
    "       driftguard history --app NAME --control ID [--json]"},
    description = "what driftguard did, from its audit trail (Table storage); a finding's life",
    footer = {"",
        "Lists what driftguard did (fixed, alerted, fix-failed, backed-off), newest first, from its audit trail in the",
        "Functions storage account: set AzureWebJobsStorage (a connection string) or AzureWebJobsStorage__accountName",
        "(your own identity, e.g. az login, needs Storage Table Data Reader).",
        "",
        "exit: 0 listed (even if empty), 64 bad arguments, 69 Table storage does not answer or refuses the read,",
        "78 no storage configured or an invalid connection string"})
final class HistoryCommand implements Main.Command {

  @Option(names = "--app", paramLabel = "NAME", description = "one app, or one slot as NAME/SLOT (case-insensitive)")
  Optional<String> app = Optional.empty();
  @Option(names = "--control", paramLabel = "ID", description = {"with --app: that finding's life instead (opened,",
      "changed, reminded, exempted, resolved, and by whom), oldest first"})
  Optional<String> control = Optional.empty();
  @Option(names = "--since", paramLabel = "DURATION", converter = Since.class,
      description = "how far back: 90s, 15m, 1h, 7d or ISO-8601 (default 24h)")
  Duration since = Duration.ofHours(24);
  @Option(names = "--json", description = "one JSON object per line instead of a table")
  boolean json;

  static final class Since implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Main.parse(value, Durations::parse);
    }
  }

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    // A storage failure is reported below in one line; the SDK's log of each attempt would bury it.
    System.setProperty("org.slf4j.simpleLogger.log.com.azure", "off");
    if (control.isPresent()) {
      return lifeOf(app.orElseThrow(() -> new Main.UsageException(
          "--control needs --app: a finding is an app's (or slot's) control")), control.get(), out, err);
    }
    Clock clock = Clock.systemUTC();
    Settings settings = Settings.fromEnvironment();
    List<AuditEntry> entries;
    try {
      entries = Driftguard.auditTrail(settings, clock).history(app, clock.instant().minus(since));
    } catch (IllegalArgumentException e) {
      err.println("driftguard history: " + Settings.STORAGE_CONNECTION + " is not a storage connection string ("
          + e.getMessage() + ")");
      return ExitCode.CONFIG;
    } catch (HttpResponseException e) {
      err.println("driftguard history: Table storage refused the read (HTTP " + e.getResponse().getStatusCode() + ": "
          + Printable.abbreviate(e.getMessage().lines().findFirst().orElse("")) + ")");
      return ExitCode.UNAVAILABLE;
    } catch (RuntimeException e) {
      err.println("driftguard history: Table storage does not answer (" + networkFailure(e).getMessage() + ")"
          + (isDevelopmentAccount(settings) ? "; the development account (Azurite) of 'driftguard demo' stops when the"
          + " demo ends" : ""));
      return ExitCode.UNAVAILABLE;
    }
    if (json) {
      entries.forEach(entry -> out.println(Json.write(entry)));
    } else {
      print(entries, out);
      err.println(entries.size() + " entries since " + Durations.format(since) + " ago" + app.map(name -> " for " + name).orElse(""));
    }
    return ExitCode.OK;
  }

  /** The first I/O failure in the chain (e.g. "Failed to connect to /127.0.0.1:10002"), else the innermost cause. */
  private static Throwable networkFailure(Throwable failure) {
    Throwable cause = failure;
    while (!(cause instanceof IOException) && cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Azurite's well-known account, as the demo and local runs use it. */
  private static boolean isDevelopmentAccount(Settings settings) {
    return settings.storage().flatMap(StorageTarget::connectionString)
        .filter(connection -> connection.contains("AccountName=devstoreaccount1")).isPresent();
  }

  /** One finding's steps, oldest first; the app matched by name as the table keeps it (lower-case). */
  private int lifeOf(String app, String control, PrintStream out, PrintStream err) {
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
