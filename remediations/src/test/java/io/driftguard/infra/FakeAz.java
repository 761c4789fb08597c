package io.driftguard.infra;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A fake Azure CLI on PATH for the tests of infra/'s scripts: the script {@code fake-az} (a test resource) records every
 * call and answers from a table of glob patterns, the last match winning, so that a test states the answers of a
 * healthy installation and then overrides the ones it makes hostile. {@code sleep} is faked too: it records its
 * argument and returns at once. The scripts run from a copy of infra/ in the test's directory.
 */
final class FakeAz {

  record Run(int exitCode, String output, List<String> calls) {

    List<String> calls(String prefix) {
      return calls.stream().filter(call -> call.startsWith(prefix)).toList();
    }

    /** Every call that deletes something. */
    List<String> deletions() {
      return calls.stream().filter(call -> call.matches("\\S+( \\S+)* delete( .*)?")).toList();
    }
  }

  /**
   * The fake sleep. A sleep of 300 s or more is a time bound's watchdog: it blocks (the step finishes first, and the
   * script ends the watchdog) unless the test let that much time pass ({@link #timePassesFor}); shorter ones, the
   * retries' back-off, are recorded and return at once.
   */
  private static final String SLEEP = """
      #!/usr/bin/env bash
      if [[ "$1" -ge 300 ]]; then
        passing="$(cat 'DIR/bounds-passing')"
        if [[ "$passing" -le 0 ]]; then
          PATH=/usr/bin:/bin exec sleep 3600
        fi
        echo $((passing - 1)) > 'DIR/bounds-passing'
      fi
      echo "$1" >> 'DIR/sleeps'
      """;

  private final Path dir;
  private final Path bin;
  private final Path infra;

  /** An {@code az} of {@code version}, signed in to {@code subscription}: how every script's run begins. */
  static FakeAz signedIn(Path dir, String version, String subscription) {
    return new FakeAz(dir)
        .answer("version --query *", version)
        .answer("account show --output none", "")
        .answer("account show --query id --output tsv", subscription);
  }

  FakeAz(Path dir) {
    this.dir = dir;
    try {
      bin = Files.createDirectories(dir.resolve("bin"));
      infra = Files.createDirectories(dir.resolve("repo/infra"));
      try (InputStream script = FakeAz.class.getResourceAsStream("fake-az")) {
        Files.copy(script, bin.resolve("az"), StandardCopyOption.REPLACE_EXISTING);
      }
      executable("az");
      write("sleep", SLEEP.replace("DIR", dir.toString()));
      Files.writeString(dir.resolve("bounds-passing"), "0");
      Files.writeString(dir.resolve("answers"), "");
      Files.writeString(dir.resolve("calls"), "");
      Files.writeString(dir.resolve("sleeps"), "");
      try (Stream<Path> files = Files.list(InfraContractTest.INFRA)) {
        for (Path file : files.filter(file -> file.toString().endsWith(".sh")).toList()) {
          Files.copy(file, infra.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** az answers a call matching the glob with this output and exit status 0. */
  FakeAz answer(String glob, String output) {
    return add(glob, 0, output);
  }

  /** az fails a call matching the glob with this error on stderr. */
  FakeAz fail(String glob, String error) {
    return add(glob, 1, error);
  }

  private FakeAz add(String glob, Object status, String output) {
    assertTrue(!glob.contains("\t"), "no tab in a glob");
    String escaped = output.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t");
    try {
      Files.writeString(dir.resolve("answers"), glob + "\t" + status + "\t" + escaped + "\n", StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Puts another fake command on PATH. */
  FakeAz command(String name, String script) {
    write(name, script);
    return this;
  }

  /** The next {@code bounds} watchdog sleeps return at once: the step they bound takes longer than its limit. */
  FakeAz timePassesFor(int bounds) throws IOException {
    Files.writeString(dir.resolve("bounds-passing"), String.valueOf(bounds));
    return this;
  }

  /** az answers a call matching the glob this way for the first {@code times} calls with the same arguments only. */
  FakeAz first(int times, String glob, String status, String output) {
    return add(glob, times + ":" + status, output);
  }

  /** az never answers a call matching the glob. */
  FakeAz hang(String glob) {
    return add(glob, "hang", "");
  }

  List<String> sleeps() throws IOException {
    return Files.readAllLines(dir.resolve("sleeps"));
  }

  /** Runs infra/{@code script} (the copy) with bash and these arguments. */
  Run run(String script, String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", infra.resolve(script).toString()));
    command.addAll(List.of(arguments));
    if (script.equals("deploy.sh")) {
      // Alerts without receivers on purpose: deploy.sh takes the confirmation out of the az arguments (DeployReceiversTest).
      command.add("--alerts-to-nobody");
    }
    Path output = dir.resolve("output");
    ProcessBuilder bash = new ProcessBuilder(command).directory(dir.resolve("repo").toFile()).redirectErrorStream(true)
        .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    bash.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    bash.environment().put("FAKE_AZ_DIR", dir.toString());
    bash.environment().remove("DRIFTGUARD_DEPLOYMENT");
    Process process = bash.start();
    boolean finished = process.waitFor(60, TimeUnit.SECONDS);
    if (!finished) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    String text = Files.readString(output, StandardCharsets.UTF_8);
    assertTrue(finished, script + " did not finish within a minute: " + text);
    return new Run(process.exitValue(), text, Files.readAllLines(dir.resolve("calls")));
  }

  private void write(String name, String text) {
    try {
      Files.writeString(bin.resolve(name), text);
      executable(name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void executable(String name) throws IOException {
    Files.setPosixFilePermissions(bin.resolve(name), PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
