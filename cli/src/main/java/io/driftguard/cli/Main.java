package io.driftguard.cli;

import io.driftguard.config.SettingsException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;

/** The commands of {@code ./driftguard}. stdout carries results; everything meant for people goes to stderr. */
public final class Main {

  /** When this class was loaded, just before {@code main} runs: the end of the JVM's own start (see StartupTrace). */
  static final long LOADED_AT_MILLIS = System.currentTimeMillis();

  private static final String USAGE = """
      usage: driftguard <command> [options]

      commands:
        demo                 run driftguard against a local Azure (sandbox) and narrate what happens
        handle [FILE|-]      handle an Event Grid delivery exactly as the function does; one JSON decision per line
        findings             the open findings (--all: resolved too), with their age, from the ledger
        history              what driftguard did, from its audit trail (Table storage); a finding's life
        sandbox              run the local Azure as a process (prints its endpoints as JSON)
        bench burst|sweep|start|warm  measure a burst, a sweep, cold start or warm per-event cost (prints figures)
        scan --subscription ID ...  sweep subscriptions and report each function app and slot (dry run unless --fix)
        controls             every control: what it checks, risk, default, effective mode and its source
        explain --app NAME ...      each control's effective mode for one app and its slots, and what chose it

      Run 'driftguard <command> --help' for a command's options and settings.
      """;

  interface Command {
    int run(String[] args, PrintStream out, PrintStream err) throws Exception;
  }

  /** Built on demand: a cold {@code handle} should not load the demo's seeds and catalog, nor the sandbox. */
  private static final Map<String, Supplier<Command>> COMMANDS = Map.of(
      "demo", DemoCommand::new,
      "handle", HandleCommand::new,
      "findings", FindingsCommand::new,
      "history", HistoryCommand::new,
      "sandbox", SandboxCommand::new,
      "scan", ScanCommand::new,
      "bench", BenchCommand::new,
      "controls", ControlsCommand::new,
      "explain", ExplainCommand::new);

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || isHelp(args[0])) {
      (args.length == 0 ? err : out).print(USAGE);
      return args.length == 0 ? ExitCode.USAGE : ExitCode.OK;
    }
    Supplier<Command> command = COMMANDS.get(args[0]);
    if (command == null) {
      err.println("driftguard: unknown command '" + args[0] + "'");
      err.print(USAGE);
      return ExitCode.USAGE;
    }
    try {
      return command.get().run(Arrays.copyOfRange(args, 1, args.length), out, err);
    } catch (SettingsException e) {
      err.println("driftguard: " + e.getMessage());
      return ExitCode.CONFIG;
    } catch (Exception e) {
      err.println("driftguard: " + args[0] + " failed: " + e);
      return ExitCode.SOFTWARE;
    }
  }

  static boolean isHelp(String arg) {
    return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
  }
}
