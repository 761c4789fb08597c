package io.driftguard.cli;

import io.driftguard.config.Settings;
import io.driftguard.controls.Control;
import io.driftguard.policy.ModeDecision;
import io.driftguard.policy.ModePolicy;
import java.io.PrintStream;
import java.time.Clock;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code controls}: the catalog, with each control's effective mode under the current settings and its source. */
@Command(name = "controls", customSynopsis = "driftguard controls [--parameters FILE] [--json]",
    description = "every control: what it checks, risk, default, effective mode and its source",
    footer = {"",
        "Lists every control driftguard knows: id, what it checks, the ARM document it reads, its risk (safe, guarded,",
        "report-only), its default (on or opt-in), and its effective mode under the settings in the environment",
        "(DRIFTGUARD_MODE, DRIFTGUARD_RULE_<ID>) with the setting that chose it and the deployment parameter that writes",
        "that setting ('mode', or 'controlModes' as {\"<id>\": \"autofix\"}): change modes there and deploy again, since",
        "each deployment rewrites the app settings. With --parameters, the modes come from a deployment parameters file",
        "(mode, controlModes) as the deployment writes them, whatever the environment says: what a deployment with that",
        "file will do. It also shows the most an app's tag can get: a tag may always lower a control to notify or exempt",
        "it, but gets autofix only where settings fix the control anyway or DRIFTGUARD_TAG_OPT_IN lets tags ask for its",
        "fix. What tags did on one app: 'driftguard explain'.",
        "Each control also names the hosting models it does not apply on (--json: with the reason), where it is never",
        "judged, read or written, and whether Logic Apps Standard workflow apps are judged (DRIFTGUARD_WORKFLOW_APPS=",
        "include, the default) or left out (exclude).",
        "",
        "exit: 0 listed, 64 bad arguments or a parameters file that cannot be read, 78 invalid settings"})
final class ControlsCommand implements Main.Command {

  @Option(names = "--json", description = "one JSON object per control instead of a table")
  boolean json;
  @Option(names = "--parameters", paramLabel = "FILE",
      description = "the modes of a deployment parameters file (e.g. infra/main.parameters.json) instead of the environment")
  Optional<Path> parameters = Optional.empty();

  /** One control as listed. */
  record Listed(String id, String title, String document, String risk, String defaultState, String mode,
                String modeSource, String parameter, String mostATagCanGet, String mostATagCanGetSource,
                List<String> peers, Map<String, String> notApplicableOn) {

    static Listed of(Control control, ModeDecision mode, ModeDecision mostATagCanGet) {
      Map<String, String> notApplicableOn = new LinkedHashMap<>();
      control.applicability().exclusions().forEach((model, why) -> notApplicableOn.put(model.label(), why));
      return new Listed(control.id(), control.title(), control.document().name(), control.risk().label(),
          control.optIn() ? "opt-in" : "on", mode.mode().label(), mode.source(), parameter(control, mode),
          mostATagCanGet.mode().label(), mostATagCanGet.source(), control.peers(), notApplicableOn);
    }

    /**
     * The deployment parameter to edit for this control: the global {@code mode} while that alone decides, else the
     * control's entry in {@code controlModes} (its own setting, or the one that turns an opt-in or guarded control on).
     */
    private static String parameter(Control control, ModeDecision mode) {
      return mode.source().equals(Settings.MODE) ? "mode" : "controlModes." + control.id();
    }
  }


  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Settings settings = parameters.map(file -> Settings.from(DeploymentParameters.modeSettings(file)))
        .orElseGet(Settings::fromEnvironment);
    Clock clock = Clock.systemUTC();
    ModePolicy modes = settings.modePolicy(Optional.empty(), clock);
    List<Listed> listed = settings.catalog(clock).all().stream()
        .map(control -> Listed.of(control, modes.effectiveConfigured(control), modes.mostATagCanGet(control))).toList();
    err.println("global mode " + settings.mode().label() + " (" + Settings.MODE + ", deployment parameter mode); "
        + settings.controlModes().size() + " control(s) set in controlModes"
        + parameters.map(file -> "; from " + file).orElse("; from the environment"));
    if (json) {
      listed.forEach(control -> out.println(Json.write(control)));
      return ExitCode.OK;
    }
    Table table = new Table("id", "what it checks", "document", "risk", "default", "effective mode (source)",
        "most a tag can get", "not applicable on");
    listed.forEach(control -> table.row(control.id(), control.title(), control.document(), control.risk(),
        control.defaultState(), control.mode() + " (" + control.modeSource() + ", parameter " + control.parameter() + ")",
        control.mostATagCanGet() + " (" + control.mostATagCanGetSource() + ")",
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
