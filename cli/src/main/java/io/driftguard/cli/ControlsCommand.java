package io.driftguard.cli;

import io.driftguard.config.Settings;
import io.driftguard.controls.Control;
import io.driftguard.policy.ModeDecision;
import io.driftguard.policy.ModePolicy;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code controls}: the catalog, with each control's effective mode under the current settings and its source. */
final class ControlsCommand implements Main.Command {

  static final String HELP = """
      usage: driftguard controls [--json]

      Lists every control driftguard knows: id, what it checks, the ARM document it reads, its risk (safe, guarded,
      report-only), its default (on or opt-in), and its effective mode under the settings in the environment
      (DRIFTGUARD_MODE, DRIFTGUARD_RULE_<ID>) with the setting that chose it. App tags can change the mode per app:
      see 'driftguard explain'. Each control also names the hosting models it does not apply on (--json: with the
      reason), where it is never judged, read or written, and whether Logic Apps Standard workflow apps are judged
      (DRIFTGUARD_WORKFLOW_APPS=include, the default) or left out (exclude).

        --json   one JSON object per control instead of a table

      exit: 0 listed, 64 bad arguments, 78 invalid settings
      """;

  /** One control as listed. */
  record Listed(String id, String title, String document, String risk, String defaultState, String mode,
                String modeSource, List<String> peers, Map<String, String> notApplicableOn) {

    static Listed of(Control control, ModeDecision mode) {
      Map<String, String> notApplicableOn = new LinkedHashMap<>();
      control.applicability().exclusions().forEach((model, why) -> notApplicableOn.put(model.label(), why));
      return new Listed(control.id(), control.title(), control.document().name(), control.risk().label(),
          control.optIn() ? "opt-in" : "on", mode.mode().label(), mode.source(), control.peers(), notApplicableOn);
    }
  }

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    boolean json = false;
    for (String arg : args) {
      switch (arg) {
        case "--help", "-h" -> {
          out.print(HELP);
          return ExitCode.OK;
        }
        case "--json" -> json = true;
        default -> {
          err.println("driftguard controls: unknown argument '" + arg + "'");
          err.print(HELP);
          return ExitCode.USAGE;
        }
      }
    }
    Settings settings = Settings.fromEnvironment();
    ModePolicy modes = new ModePolicy(settings.mode(), settings.controlModes(), settings.tagExemptions(),
        Clock.systemUTC());
    List<Listed> listed = settings.catalog().all().stream()
        .map(control -> Listed.of(control, modes.effectiveConfigured(control))).toList();
    if (json) {
      listed.forEach(control -> out.println(Json.write(control)));
      return ExitCode.OK;
    }
    Table table = new Table("id", "what it checks", "document", "risk", "default", "effective mode (source)",
        "not applicable on");
    listed.forEach(control -> table.row(control.id(), control.title(), control.document(), control.risk(),
        control.defaultState(), control.mode() + " (" + control.modeSource() + ")",
        String.join(", ", control.notApplicableOn().keySet())));
    table.print(out);
    out.println();
    out.println(settings.workflowApps()
        ? "Logic Apps Standard workflow apps are judged like any function app (" + Settings.WORKFLOW_APPS
            + "=include, the default)"
        : "Logic Apps Standard workflow apps are left out (" + Settings.WORKFLOW_APPS + "=exclude)");
    return ExitCode.OK;
  }
}
