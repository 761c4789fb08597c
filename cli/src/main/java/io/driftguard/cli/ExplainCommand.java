package io.driftguard.cli;

import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.engine.Explanation;
import io.driftguard.resource.ResourceIds;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.ArmException;
import io.driftguard.time.Ticker;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code explain}: each control's effective mode for one app and its slots, and which setting or tag chose it. */
@Command(name = "explain", customSynopsis = "driftguard explain --subscription ID --resource-group GROUP --app NAME [--json]",
    description = "each control's effective mode for one app and its slots, and what chose it",
    footer = {"",
        "Reads the app (one GET) and lists its slots (one GET; none for Flex Consumption, which has no slots), and prints",
        "for the app and each slot how it is hosted and every control's effective mode with the setting or tag that",
        "chose it, or why the control does not apply on that hosting model (driftguard-exempt, driftguard-mode,",
        "driftguard-autofix, driftguard-enable, DRIFTGUARD_RULE_<ID>, DRIFTGUARD_MODE, or the control's risk). Where a tag asked for more",
        "than it got (a fix DRIFTGUARD_TAG_OPT_IN does not let tags ask for), or an exemption lacks a reason or an expiry,",
        "the source says so. Nothing is evaluated or written. Settings and credentials as for scan.",
        "",
        "exit: 0 explained, 64 bad arguments, 75 ARM could not be read, 78 invalid settings"})
final class ExplainCommand implements Main.Command {

  @Option(names = "--subscription", required = true, paramLabel = "ID", description = "the app's subscription")
  String subscription;
  @Option(names = {"--resource-group", "-g"}, required = true, paramLabel = "GROUP", description = "the app's resource group")
  String group;
  @Option(names = {"--app", "-n"}, required = true, paramLabel = "NAME", description = "the function app")
  String app;
  @Option(names = "--json", description = "one JSON object per app or slot and control instead of a table")
  boolean json;

  /** One control's mode on one app or slot. */
  record Explained(String app, String hostingModel, String control, String mode, String modeSource) {}

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    SiteRef site;
    try {
      site = ResourceIds.parse("/subscriptions/" + subscription + "/resourceGroups/" + group
          + "/providers/Microsoft.Web/sites/" + app).site();
    } catch (RuntimeException e) {
      throw new Main.UsageException("not an app: " + e.getMessage());
    }
    Map<SiteRef, Explanation> explained;
    try {
      explained = Driftguard.builder(Settings.fromEnvironment(), Clock.systemUTC(), Ticker.SYSTEM).build()
          .explain(site);
    } catch (ArmException e) {
      err.println("driftguard explain: " + e.getMessage());
      return e.isNotFound() ? ExitCode.USAGE : ExitCode.TEMPORARY_FAILURE;
    }
    List<Explained> rows = new ArrayList<>();
    explained.forEach((target, explanation) -> explanation.modes().forEach((control, mode) -> {
      Optional<String> notApplicable = control.applicability().notApplicableOn(explanation.hostingModel());
      rows.add(new Explained(target.displayName(), explanation.hostingModel().label(), control.id(),
          notApplicable.isPresent() ? "not applicable" : mode.mode().label(), notApplicable.orElse(mode.source())));
    }));
    if (json) {
      rows.forEach(row -> out.println(Json.write(row)));
      return ExitCode.OK;
    }
    Table table = new Table("app or slot", "hosting", "control", "effective mode", "chosen by");
    rows.forEach(row -> table.row(row.app(), row.hostingModel(), row.control(), row.mode(), row.modeSource()));
    table.print(out);
    return ExitCode.OK;
  }
}
