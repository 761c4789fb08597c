package io.driftguard.cli;

import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.engine.FindingState;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code findings}: the findings not resolved (or all of them), from where the ledger keeps their state. */
@Command(name = "findings", customSynopsis = "driftguard findings [--all] [--json]",
    description = "the open findings (--all: resolved too), with their age, from the ledger",
    footer = {"",
        "Lists the open findings (drifted, or exempted, and not resolved), oldest first, with their age, from the ledger",
        "in the Functions storage account: set AzureWebJobsStorage (a connection string) or",
        "AzureWebJobsStorage__accountName (your own identity, e.g. az login, needs Storage Table Data Reader).",
        "'driftguard history --app NAME --control ID' shows one finding's life.",
        "",
        "exit: 0 listed (even if empty), 64 bad arguments, 78 no storage configured"})
final class FindingsCommand implements Main.Command {

  @Option(names = "--all", description = "resolved findings too, with who resolved them")
  boolean all;
  @Option(names = "--json", description = "one JSON object per line instead of a table")
  boolean json;

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    List<FindingState> findings = Driftguard.findingStates(Settings.fromEnvironment()).findings(all);
    if (json) {
      findings.forEach(finding -> out.println(Json.write(finding)));
    } else {
      Instant now = Clock.systemUTC().instant();
      Table table = new Table("opened (UTC)", "age", "app", "control", "status", "last step", "observed", "mode", "by");
      for (FindingState finding : findings) {
        table.row(finding.openedAt().toString(), age(Duration.between(finding.openedAt(), now)), finding.app(),
            finding.rule(), finding.status().label(), finding.last().label() + " " + finding.changedAt(),
            finding.observed(), finding.mode(), finding.by());
      }
      table.print(out);
      err.println(findings.size() + (all ? " findings" : " open findings"));
    }
    return ExitCode.OK;
  }

  /** {@code 3d 4h}, {@code 5h 12m}, {@code 40m}: how long a finding has been open. */
  static String age(Duration age) {
    if (age.toDays() > 0) {
      return age.toDays() + "d " + age.toHoursPart() + "h";
    }
    return age.toHours() > 0 ? age.toHours() + "h " + age.toMinutesPart() + "m" : age.toMinutes() + "m";
  }
}
