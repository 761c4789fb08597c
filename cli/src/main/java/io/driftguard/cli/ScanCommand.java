package io.driftguard.cli;

import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.engine.Decision;
import io.driftguard.resource.ResourceIds;
import io.driftguard.sweep.SweepRequest;
import io.driftguard.sweep.SweepSummary;
import io.driftguard.time.Ticker;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scan}: sweeps subscriptions with the function's engine and settings; reports every function app and slot. */
@Command(name = "scan", customSynopsis = {
    "driftguard scan --subscription ID [--subscription ID ...] [--fix] [--format table|json|markdown|html]",
    "                       [--output FILE]"},
    description = "sweep subscriptions and report each function app and slot (dry run unless --fix)",
    footer = {"",
        "Evaluates every function app and deployment slot of the subscriptions with the engine and settings the function",
        "uses, read from the environment as for handle (docs/settings.md): DRIFTGUARD_MODE, DRIFTGUARD_RULE_<ID>, the",
        "driftguard-mode and driftguard-exempt tags, DRIFTGUARD_MIN_TLS, DRIFTGUARD_FTPS_STATE, DRIFTGUARD_ARM_ENDPOINT,",
        "DRIFTGUARD_SWEEP_PARALLELISM and the ARM rate limits; with --fix also the alert settings and AzureWebJobsStorage",
        "(audit trail, flapping). Credentials: the managed identity when IDENTITY_ENDPOINT and IDENTITY_HEADER are set,",
        "else DefaultAzureCredential (e.g. az login).",
        "",
        "stdout: the report (unless --output), per app and slot each control: ok, off (not evaluated), or what would be",
        "        or was done.",
        "stderr: progress (a bar on a terminal, a line per listed page otherwise), and logs.",
        "exit:   0  every function app and slot is compliant, or was fixed",
        "        3  findings remain (dry run: any; --fix: any not fixed)",
        "        64 bad arguments, or a subscription outside DRIFTGUARD_SUBSCRIPTIONS",
        "        75 the scan is incomplete (a listing failed, or ARM kept failing): run it again later",
        "        78 invalid settings"})
final class ScanCommand implements Main.Command {

  @Option(names = "--subscription", required = true, paramLabel = "ID", converter = Subscription.class,
      description = "a subscription to scan (a GUID); repeat for more. Must be in DRIFTGUARD_SUBSCRIPTIONS if set")
  Set<String> subscriptions = new LinkedHashSet<>();
  @Option(names = "--fix",
      description = "act as events do: fix the controls in autofix mode, report the ones in notify mode. "
          + "Without it a dry run: nothing is changed, alerted or recorded")
  boolean fix;
  @Option(names = "--format", paramLabel = "FORMAT", converter = FormatName.class,
      description = "table (default), markdown (to paste into a ticket), json (one decision per line, then a "
          + "final {\"summary\": ...} line), or html (one self-contained page to open in a browser: "
          + "counts, charts, a sortable and filterable table, each finding's mode source and fix)")
  ScanReport.Format format = ScanReport.Format.TABLE;
  @Option(names = "--output", paramLabel = "FILE", description = "write the report to FILE instead of stdout")
  String output;

  static final class Subscription implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      return Main.parse(value, ScanCommand::subscription);
    }
  }

  static final class FormatName implements CommandLine.ITypeConverter<ScanReport.Format> {
    @Override
    public ScanReport.Format convert(String value) {
      return Main.parse(value, ScanReport.Format::parse);
    }
  }

  /** A person's scan runs to the end: far longer than any subscription takes, yet not forever. */
  private static final Duration TIME_LIMIT = Duration.ofHours(24);

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Path outputFile = output == null ? null : outputFile(output);
    // The report shows every app and slot, compliant ones too: only an ARM listing reads them all.
    Map<String, String> environment = new HashMap<>(System.getenv());
    environment.put(Settings.SWEEP_SOURCE, "arm");
    Settings settings = Settings.from(environment);
    List<String> outside = outsideScope(subscriptions, settings.subscriptions());
    if (!outside.isEmpty()) {
      // Which subscriptions driftguard may touch is the admin's decision, not the caller's.
      err.println("driftguard scan: not in " + Settings.SUBSCRIPTIONS + ": " + String.join(", ", outside));
      return ExitCode.USAGE;
    }
    ScanProgress progress = new ScanProgress(err, System.console() != null);
    SweepSummary summary = Driftguard.builder(settings, Clock.systemUTC(), Ticker.SYSTEM).buildAll().sweeper()
        .run(SweepRequest.oneOff(List.copyOf(subscriptions), !fix, TIME_LIMIT), progress);
    progress.finish();
    List<Decision> decisions = progress.decisions();
    ScanReport report = new ScanReport(decisions, summary, List.copyOf(subscriptions), !fix);
    if (outputFile == null) {
      report.print(format, out);
      out.flush();
    } else {
      report.write(format, outputFile);
      err.println("driftguard scan: report written to " + outputFile);
    }
    if (!summary.complete() || !summary.problems().isEmpty() || decisions.stream().anyMatch(Decision::retryable)) {
      err.println("driftguard scan: incomplete, some apps or slots were not evaluated: run it again later");
      return ExitCode.TEMPORARY_FAILURE;
    }
    return report.findingsLeft() ? ExitCode.FINDINGS : ExitCode.OK;
  }

  private static String subscription(String id) {
    if (!ResourceIds.isGuid(id)) {
      throw new IllegalArgumentException("'" + id + "' is not a subscription id (a GUID)");
    }
    return id.toLowerCase(Locale.ROOT);
  }

  /** Checked before the scan, so that a typo does not cost a whole sweep. */
  private static Path outputFile(String name) {
    Path file = Path.of(name).toAbsolutePath();
    if (!Files.isDirectory(file.getParent()) || Files.isDirectory(file)) {
      throw new Main.UsageException("--output " + name + ": not a file in an existing directory");
    }
    return file;
  }

  /** An empty allow-list means any subscription, as for events. */
  private static List<String> outsideScope(Set<String> requested, Set<String> allowed) {
    Set<String> lowerCase = allowed.stream().map(id -> id.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    return requested.stream().filter(id -> !allowed.isEmpty() && !lowerCase.contains(id)).toList();
  }
}
