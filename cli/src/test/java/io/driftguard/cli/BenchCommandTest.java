package io.driftguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BenchCommandTest {

  @ParameterizedTest
  @ValueSource(strings = {"off", "dry-run", "fix", ""})
  void estateRefusesAModeOtherThanNotifyOrAutofixBeforeStartingAnything(String mode) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit = new BenchCommand().run(new String[] {"estate", "--apps", "10", "--mode", mode},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));

    assertEquals(ExitCode.USAGE, exit);
    assertEquals("driftguard bench: --mode must be notify or autofix, not '" + mode + "'" + System.lineSeparator(),
        err.toString(StandardCharsets.UTF_8));
  }
}
