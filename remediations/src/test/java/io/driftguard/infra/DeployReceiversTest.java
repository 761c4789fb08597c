package io.driftguard.infra;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy.sh refuses to deploy alerts that reach nobody, before it builds anything: run by bash with a fake az (logged
 * in) and a fake mvn on PATH, the build being the first step after the check.
 */
class DeployReceiversTest {

  @TempDir
  Path bin;

  record Run(int exitCode, String output, boolean built) {}

  Run deploy(String... arguments) throws IOException, InterruptedException {
    Path built = bin.resolve("built");
    ManagementGroupTemplateTest.executable(bin, "az", "#!/usr/bin/env bash\ncase \"$*\" in\n"
        + "  'version --query \"azure-cli\" --output tsv') echo 2.67.0 ;;\n"
        + "  *) echo 00000000-0000-0000-0000-00000000a11c ;;\nesac\n");
    ManagementGroupTemplateTest.executable(bin, "mvn", "#!/usr/bin/env bash\ntouch '" + built + "'\nexit 1\n");
    List<String> command = new ArrayList<>(List.of("bash", InfraContractTest.INFRA.resolve("deploy.sh").toString(),
        "westeurope"));
    command.addAll(List.of(arguments));
    ProcessBuilder bash = new ProcessBuilder(command).redirectErrorStream(true);
    bash.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process process = bash.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "bash did not finish: " + output);
    return new Run(process.exitValue(), output, Files.exists(built));
  }

  private static void refused(Run run) {
    assertNotEquals(0, run.exitCode(), run.output());
    assertFalse(run.built(), "stopped before the build: " + run.output());
    assertTrue(run.output().contains("the alerts would reach nobody") && run.output().contains("--alerts-to-nobody")
        && run.output().contains("alertEmails="), "says how to add a receiver or confirm: " + run.output());
  }

  /** infra/main.parameters.json with its example receiver taken out. */
  private String withoutReceivers() throws IOException {
    Path file = bin.resolve("no-receivers.parameters.json");
    Files.writeString(file, Files.readString(InfraContractTest.INFRA.resolve("main.parameters.json"))
        .replaceFirst("\"alertEmails\":\\s*\\{\\s*\"value\":\\s*\\[[^]]*]", "\"alertEmails\": {\"value\": []"));
    return file.toString();
  }

  @Test
  void alertsWithoutReceiversOrAnActionGroupAreRefusedBeforeAnythingIsBuilt() throws Exception {
    BicepTemplateTest.bashSyntaxIsValid(InfraContractTest.INFRA.resolve("receivers.sh"));
    refused(deploy());
    refused(deploy("--parameters", withoutReceivers()));
    refused(deploy("--parameters", "alertEmails=[\"oncall@contoso.com\"]", "--parameters", "alertEmails=[ ]"));
  }

  @Test
  void aReceiverAnExistingGroupOrAConfirmationLetsTheDeploymentGoOn() throws Exception {
    String parameters = withoutReceivers();
    for (String[] arguments : List.of(
        new String[] {"--parameters", parameters, "--parameters", "alertEmails=[\"oncall@contoso.com\"]"},
        new String[] {"--parameters", "alertWebhookUrls=[\"https://hooks.contoso.com/driftguard\"]"},
        new String[] {"--parameters", "existingActionGroupId=/subscriptions/00000000-0000-0000-0000-00000000a11c"
            + "/resourceGroups/rg-ops/providers/Microsoft.Insights/actionGroups/ag-oncall"},
        new String[] {"--parameters", parameters, "--alerts-to-nobody"})) {
      Run run = deploy(arguments);
      assertTrue(run.built(), "went on to the build: " + String.join(" ", arguments) + "\n" + run.output());
      assertFalse(run.output().contains("would reach nobody"), run.output());
    }
  }

  @Test
  void aParametersFileWithAReceiverIsEnough() throws Exception {
    assertTrue(deploy("--parameters", InfraContractTest.INFRA.resolve("main.parameters.json").toString()).built());
  }
}
