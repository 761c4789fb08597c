package io.driftguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.sandbox.Sandbox;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code driftguard demo} as a process: it runs in the mode its environment gives (notify first: every finding
 * alerted, nothing written), and says where the audit trail it shows lives. The demo starts its own local Azure; the
 * sandbox here only supplies the truststore the process is started with.
 */
class DemoCommandIT {

  @TempDir
  Path temp;

  @Test
  void aNotifyFirstDemoAlertsEveryFindingAndWritesNothing() throws Exception {
    CliProcess.Result run;
    try (Sandbox sandbox = Sandbox.start()) {
      run = CliProcess.run(sandbox, temp, Map.of("DRIFTGUARD_MODE", "notify"), "", "demo");
    }

    assertEquals(ExitCode.OK, run.exit(), run.stderr());
    List<String> lines = run.stdout().lines().toList();
    assertEquals("settings: DRIFTGUARD_MODE=notify (from the environment)", lines.get(1));
    assertTrue(lines.stream().noneMatch(line -> line.trim().startsWith("fixed ") || line.trim().startsWith("wrote:")),
        run.stdout());
    assertTrue(lines.contains("    func-inherited: alerted 5"), "the sweep alerts what it finds: " + run.stdout());
    assertTrue(lines.stream().anyMatch(line -> line.matches("driftguard made \\d+ ARM requests \\(0 writes\\).*")),
        run.stdout());
    assertTrue(lines.stream().anyMatch(line -> line.startsWith("audit trail of func-payments, as './driftguard history"
        + " --app func-payments' lists it from Table storage (here the demo's Azurite, which stops when the demo ends")),
        run.stdout());
  }

  @Test
  void withoutAModeTheDemoShowsAutoFixAsDocumented() {
    Map<String, String> modes = DemoCommand.modes(Map.of("PATH", "/usr/bin"));

    assertEquals(Map.of("DRIFTGUARD_MODE", "autofix", "DRIFTGUARD_RULE_HTTPS_ONLY", "notify"), modes);
    assertEquals(Map.of("DRIFTGUARD_MODE", "notify", "DRIFTGUARD_RULE_MIN_TLS", "autofix"),
        DemoCommand.modes(Map.of("DRIFTGUARD_MODE", "notify", "DRIFTGUARD_RULE_MIN_TLS", "autofix", "HOME", "/root")));
  }
}
