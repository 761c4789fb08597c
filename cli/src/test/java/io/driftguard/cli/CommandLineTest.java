package io.driftguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Every command and sub-command answers {@code --help} and a bad argument alike, before doing anything else. */
class CommandLineTest {

  /** Each command's path after {@code driftguard}; the tree itself is checked against this list below. */
  static Stream<String> commands() {
    return Stream.of("", "demo", "handle", "findings", "history", "sandbox", "bench", "bench burst", "bench sweep", "bench start",
        "bench warm", "bench estate", "scan", "controls", "explain");
  }

  @ParameterizedTest
  @MethodSource("commands")
  void answersHelpOnStdoutWithExitZero(String command) {
    Run run = run(command, "--help");

    assertEquals(ExitCode.OK, run.exit(), run.err());
    assertTrue(run.out().startsWith("usage: " + name(command)), run.out());
    assertFalse(run.out().contains("io.driftguard."), "help names no internal class: " + run.out());
    assertEquals("", run.err());
  }

  @Test
  void theCommandListNamesEverySubCommandOfBench() {
    String bench = run("", "--help").out().lines().filter(line -> line.trim().startsWith("bench "))
        .findFirst().orElseThrow();

    for (String sub : List.of("burst", "sweep", "start", "warm", "estate")) {
      assertTrue(bench.contains(sub), sub + " missing from: " + bench);
    }
  }

  @ParameterizedTest
  @MethodSource("commands")
  void answersABadArgumentOnStderrWithExit64(String command) {
    Run run = run(command, "--no-such-option");

    assertEquals(ExitCode.USAGE, run.exit(), run.err());
    assertTrue(run.err().startsWith(name(command) + ": "), run.err());
    assertTrue(run.err().contains("Run '" + name(command) + " --help'"), run.err());
    assertEquals("", run.out());
  }

  @Test
  void aCommandWithSubCommandsNeedsOne() {
    Run run = run("bench");

    assertEquals(ExitCode.USAGE, run.exit(), run.err());
    assertTrue(run.err().startsWith("driftguard bench: a sub-command is needed"), run.err());
  }

  @Test
  void theListAboveIsEveryCommand() {
    List<String> tree = new ArrayList<>();
    walk(Main.commandLine(Main.ORDER, System.out, System.err), tree);
    tree.replaceAll(name -> name.replaceFirst("^driftguard ?", ""));
    assertEquals(commands().sorted().toList(), tree.stream().sorted().toList());
  }

  @ParameterizedTest
  @MethodSource("modes")
  void estateRefusesAModeOtherThanNotifyOrAutofixBeforeStartingAnything(String mode) {
    Run run = run("bench estate", "--apps", "10", "--mode", mode);

    assertEquals(ExitCode.USAGE, run.exit());
    assertTrue(run.err().startsWith("driftguard bench estate: Invalid value for option '--mode': must be notify or "
        + "autofix, not '" + mode + "'" + System.lineSeparator()), run.err());
  }

  static Stream<String> modes() {
    return Stream.of("off", "dry-run", "fix", "");
  }

  private static void walk(CommandLine line, List<String> names) {
    names.add(line.getCommandSpec().qualifiedName());
    line.getSubcommands().values().forEach(sub -> walk(sub, names));
  }

  private static String name(String command) {
    return ("driftguard " + command).trim();
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(String command, String... arguments) {
    List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : Arrays.asList(command.split(" ")));
    args.addAll(List.of(arguments));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
