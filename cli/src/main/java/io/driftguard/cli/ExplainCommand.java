package io.driftguard.cli;

import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.engine.Explanation;
import io.driftguard.resource.ResourceIds;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.ArmException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code explain}: each control's effective mode for one app and its slots, and which setting or tag chose it. */
final class ExplainCommand implements Main.Command {

  static final String HELP = """
      usage: driftguard explain --subscription ID --resource-group GROUP --app NAME [--json]

      Reads the app (one GET) and lists its slots (one GET; none for Flex Consumption, which has no slots), and prints
      for the app and each slot how it is hosted and every control's effective mode with the setting or tag that chose
      it, or why the control does not apply on that hosting model (driftguard-exempt, driftguard-mode, driftguard-autofix,
      driftguard-enable, DRIFTGUARD_RULE_<ID>, DRIFTGUARD_MODE, or the control's risk). Nothing is evaluated or
      written. Settings and credentials as for scan.

        --json   one JSON object per app or slot and control instead of a table

      exit: 0 explained, 64 bad arguments, 75 ARM could not be read, 78 invalid settings
      """;

  /** One control's mode on one app or slot. */
  record Explained(String app, String hostingModel, String control, String mode, String modeSource) {}

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    String subscription = null;
    String group = null;
    String app = null;
    boolean json = false;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--help", "-h" -> {
            out.print(HELP);
            return ExitCode.OK;
          }
          case "--subscription" -> subscription = Arguments.value(args, ++i);
          case "--resource-group", "-g" -> group = Arguments.value(args, ++i);
          case "--app", "-n" -> app = Arguments.value(args, ++i);
          case "--json" -> json = true;
          default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
        }
      }
      if (subscription == null || group == null || app == null) {
        throw new IllegalArgumentException("--subscription, --resource-group and --app are required");
      }
    } catch (IllegalArgumentException e) {
      err.println("driftguard explain: " + e.getMessage());
      err.print(HELP);
      return ExitCode.USAGE;
    }
    SiteRef site;
    try {
      site = ResourceIds.parse("/subscriptions/" + subscription + "/resourceGroups/" + group
          + "/providers/Microsoft.Web/sites/" + app).site();
    } catch (RuntimeException e) {
      err.println("driftguard explain: not an app: " + e.getMessage());
      return ExitCode.USAGE;
    }
    Map<SiteRef, Explanation> explained;
    try {
      explained = Driftguard.builder(Settings.fromEnvironment()).build().explain(site);
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
