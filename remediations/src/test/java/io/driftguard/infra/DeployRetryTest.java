package io.driftguard.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy.sh's retry helper (infra/retry.sh), run by bash with a fake az and a fake sleep on PATH: Azure's eventual
 * consistency (a role defined moments ago, an app restarted by its settings while Event Grid validates it) fails a
 * step once; the helper retries exactly those failures with back-off and says so, and fails fast on any other.
 */
class DeployRetryTest {

  @TempDir
  Path bin;

  record Run(int exitCode, String output, List<String> azCalls, List<String> sleeps) {
  }

  /** Runs "source infra/retry.sh; <script>" with an az that fails {@code failures} times with {@code error}. */
  Run run(String script, int failures, String error) throws IOException, InterruptedException {
    Path calls = bin.resolve("az-calls");
    Path sleeps = bin.resolve("sleeps");
    Files.writeString(calls, "");
    Files.writeString(sleeps, "");
    executable("az", "#!/usr/bin/env bash\n"
        + "echo \"$*\" >> '" + calls + "'\n"
        + "if [[ $(wc -l < '" + calls + "') -le " + failures + " ]]; then\n"
        + "  echo \"ERROR: {\\\"code\\\": \\\"DeploymentFailed\\\", \\\"details\\\": [{\\\"code\\\": \\\"" + error + "\\\"}]}\" >&2\n"
        + "  exit 1\n"
        + "fi\n"
        + "echo ok\n");
    executable("sleep", "#!/usr/bin/env bash\necho \"$1\" >> '" + sleeps + "'\n");
    ProcessBuilder bash = new ProcessBuilder("bash", "-c",
        "set -euo pipefail; source '" + InfraContractTest.INFRA.resolve("retry.sh").toAbsolutePath() + "'; " + script)
        .redirectErrorStream(true);
    bash.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process process = bash.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "bash did not finish: " + output);
    return new Run(process.exitValue(), output, Files.readAllLines(calls), Files.readAllLines(sleeps));
  }

  private void executable(String name, String text) throws IOException {
    Path file = bin.resolve(name);
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void aRoleNotYetReplicatedIsRetriedOnceWithBackOffAndAnnounced() throws Exception {
    Run run = run("retry_consistency 'assigning the custom role' \"$ROLE_NOT_YET_THERE\" -- az deployment sub create --name x",
        1, "RoleDefinitionDoesNotExist");
    assertEquals(0, run.exitCode(), run.output());
    assertEquals(List.of("deployment sub create --name x", "deployment sub create --name x"), run.azCalls());
    assertEquals(List.of("15"), run.sleeps(), "one back-off before the second attempt");
    assertTrue(run.output().contains("RoleDefinitionDoesNotExist"), "the first error is shown: " + run.output());
    assertTrue(Pattern.compile("assigning the custom role: attempt 1 of \\d+ failed with RoleDefinitionDoesNotExist.*"
        + "retrying in 15 s").matcher(run.output()).find(), "the retry is announced: " + run.output());
  }

  @Test
  void theBackOffDoublesUntilTheAttemptsRunOutThenTheStepFails() throws Exception {
    Run run = run("retry_consistency 'creating the Event Grid subscriptions' \"$ENDPOINT_NOT_YET_VALID\" -- az deployment sub create",
        99, "Webhook validation handshake failed");
    assertEquals(1, run.exitCode(), run.output());
    Matcher attempts = Pattern.compile("attempt \\d+ of (\\d+) failed").matcher(run.output());
    assertTrue(attempts.find(), run.output());
    int max = Integer.parseInt(attempts.group(1));
    assertEquals(max, run.azCalls().size());
    assertEquals(List.of("15", "30", "60", "120", "240").subList(0, max - 1), run.sleeps());
    assertTrue(run.output().contains("gave up after " + max + " attempts"), run.output());
  }

  @Test
  void anyOtherFailureFailsAtOnce() throws Exception {
    Run run = run("retry_consistency 'assigning the custom role' \"$ROLE_NOT_YET_THERE\" -- az deployment sub create",
        1, "InvalidTemplate");
    assertEquals(1, run.exitCode(), run.output());
    assertEquals(1, run.azCalls().size(), "not retried");
    assertEquals(List.of(), run.sleeps());
    assertTrue(run.output().contains("InvalidTemplate"), run.output());
  }

  @Test
  void deploySourcesTheHelperAndRetriesTheStepsEventualConsistencyBreaks() {
    String deploy = BicepTemplateTest.text("deploy.sh");
    assertTrue(deploy.contains("source \"$here/retry.sh\""), "deploy.sh uses retry.sh");
    assertTrue(Pattern.compile("retry_consistency [^\\n]*\"\\$ROLE_NOT_YET_THERE\" -- deploy false").matcher(deploy).find(),
        "the infrastructure pass (role defined and assigned in one deployment) is retried");
    assertTrue(Pattern.compile("retry_consistency [^\\n]*\"\\$MANAGEMENT_GROUP_NOT_YET_VISIBLE\" --[\\s\\\\]*az deployment mg create").matcher(deploy).find(),
        "the management-group role is retried while the group is not yet visible");
    assertTrue(Pattern.compile("retry_consistency [^\\n]*\"\\$ENDPOINT_NOT_YET_VALID\\|\\$ROLE_NOT_YET_THERE\" -- deploy true").matcher(deploy).find(),
        "the Event Grid pass (the settings restart the app while Event Grid validates it; a management group's role"
            + " defined moments before is assigned) is retried");
    BicepTemplateTest.bashSyntaxIsValid(InfraContractTest.INFRA.resolve("retry.sh"));
  }
}
