package io.driftguard.cli;

import io.driftguard.config.SettingsException;
import io.driftguard.sandbox.SandboxMain;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The commands of {@code ./driftguard}, parsed by picocli: every command and sub-command answers {@code --help} on
 * stdout (exit 0) and a bad argument with the reason on stderr (exit 64). stdout carries results; everything meant for
 * people goes to stderr.
 */
@Command(name = "driftguard", customSynopsis = "driftguard <command> [options]",
    description = "Keeps Azure Function Apps secure when their configuration drifts.",
    footer = "%nRun 'driftguard <command> --help' for a command's options and settings.")
public final class Main {

  /** When this class was loaded, just before {@code main} runs: the end of the JVM's own start (see StartupTrace). */
  static final long LOADED_AT_MILLIS = System.currentTimeMillis();

  /** A command that runs once its options are parsed into it. */
  interface Command {
    /** {@code args} as given to driftguard, for a command that runs itself again in a child JVM. */
    int run(String[] args, PrintStream out, PrintStream err) throws Exception;
  }

  /**
   * Built on demand: a cold {@code handle} should not load the demo's seeds and catalog, nor the sandbox (a lambda, not
   * {@code SandboxMain::new}: linking a constructor reference loads its class).
   */
  private static final Map<String, Supplier<Object>> COMMANDS = Map.of(
      "demo", DemoCommand::new,
      "handle", HandleCommand::new,
      "findings", FindingsCommand::new,
      "history", HistoryCommand::new,
      "sandbox", () -> new SandboxMain(),
      "scan", ScanCommand::new,
      "bench", BenchCommand::new,
      "controls", ControlsCommand::new,
      "explain", ExplainCommand::new);

  static final List<String> ORDER = List.of("demo", "handle", "findings", "history", "sandbox", "bench", "scan", "controls", "explain");

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine line = commandLine(args.length > 0 && COMMANDS.containsKey(args[0]) ? List.of(args[0]) : ORDER, out, err);
    ParseResult parsed;
    try {
      parsed = line.parseArgs(args);
      if (CommandLine.printHelpIfRequested(parsed)) {
        return ExitCode.OK;
      }
    } catch (ParameterException e) {
      return usageError(e.getCommandLine(), e.getMessage(), err);
    }
    ParseResult leaf = parsed;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    Object command = leaf.commandSpec().userObject();
    try {
      if (command instanceof Command runnable) {
        return runnable.run(args, out, err);
      }
      if (command instanceof Callable<?> callable) {
        return (Integer) callable.call();
      }
      return usageError(leaf.commandSpec().commandLine(),
          args.length == 0 ? "a command is needed" : "a sub-command is needed", err);
    } catch (UsageException e) {
      return usageError(leaf.commandSpec().commandLine(), e.getMessage(), err);
    } catch (SettingsException e) {
      err.println("driftguard: " + e.getMessage());
      return ExitCode.CONFIG;
    } catch (Exception e) {
      err.println("driftguard: " + args[0] + " failed: " + e);
      return ExitCode.SOFTWARE;
    }
  }

  /** The reason, then where to read more: the same for every command. */
  private static int usageError(CommandLine command, String reason, PrintStream err) {
    String name = command.getCommandSpec().qualifiedName();
    err.println(name + ": " + reason);
    err.println("Run '" + name + " --help' for its options.");
    return ExitCode.USAGE;
  }

  /** The commands named, or all of them (for the list in {@code driftguard --help} and an unknown command). */
  static CommandLine commandLine(List<String> commands, PrintStream out, PrintStream err) {
    CommandLine line = new CommandLine(new Main());
    for (String name : commands) {
      line.addSubcommand(name, COMMANDS.get(name).get());
    }
    line.setOut(writer(out)).setErr(writer(err)).setSeparator(" ");
    configure(line);
    return line;
  }

  /** One look and one help option for every command and sub-command. */
  private static void configure(CommandLine line) {
    CommandSpec spec = line.getCommandSpec();
    spec.usageMessage().synopsisHeading("usage: ").commandListHeading("%ncommands:%n").width(120);
    if (!spec.optionsMap().containsKey("--help")) {
      spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("this help").build());
    }
    line.getSubcommands().values().forEach(Main::configure);
  }

  private static PrintWriter writer(PrintStream stream) {
    return new PrintWriter(new OutputStreamWriter(stream, Charset.defaultCharset()), true);
  }

  /** A check after parsing that the options alone cannot express, e.g. an output file in a directory that exists. */
  static final class UsageException extends RuntimeException {
    UsageException(String reason) {
      super(reason);
    }
  }

  /** For picocli converters: a parser's {@link IllegalArgumentException} becomes the option's reason. */
  static <T> T parse(String value, Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }

  /** A count of something: at least 1. */
  static final class Positive implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        int number = Integer.parseInt(value.trim());
        if (number >= 1) {
          return number;
        }
      } catch (NumberFormatException e) {
        // the reason below
      }
      throw new CommandLine.TypeConversionException("must be a whole number of at least 1, not '" + value + "'");
    }
  }
}
