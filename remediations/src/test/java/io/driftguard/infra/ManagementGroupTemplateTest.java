package io.driftguard.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploying at a management group ({@code infra/deploy.sh <location> --management-group <id>}): the custom role is
 * defined and assigned at the group, and every subscription under it gets the system topic and the event subscription
 * of main.bicep. Bicep cannot list a group's subscriptions, so deploy.sh does (management-group.sh); it runs here with
 * a fake az, mvn, jar and sleep on PATH, with the eventual consistency of a new group or a new right on it.
 */
class ManagementGroupTemplateTest {

  static final Path INFRA = InfraContractTest.INFRA;
  static final String GROUP = "estate-mg";
  static final List<String> UNDER_GROUP = List.of("11111111-1111-1111-1111-111111111111",
      "22222222-2222-2222-2222-222222222222", "33333333-3333-3333-3333-333333333333");
  /** Under the group, but disabled: az account list does not name it among the usable subscriptions. */
  static final String DISABLED = "55555555-5555-5555-5555-555555555555";

  @TempDir
  Path work;

  // ---------------------------------------------------------------- the templates

  @Test
  void theRoleIsDefinedAtTheManagementGroupAndAssignableThereOnly() {
    Path file = INFRA.resolve("modules/role-management-group.bicep");
    assertTrue(BicepTemplateTest.text("modules/role-management-group.bicep").contains("targetScope = 'managementGroup'"));
    List<BicepTree.Resource> roles = BicepTree.resources(file, "Microsoft.Authorization/roleDefinitions");
    assertEquals(1, roles.size());
    BicepTree.Resource role = roles.get(0);
    assertNull(role.get("scope"), "defined at the management group the file is deployed to");
    // Read from the text: tree-sitter-bicep 1.1.0 parses a zero-argument call in an array, [ managementGroup().id ], as
    // two items (managementGroup and ().id), without an error.
    assertTrue(Pattern.compile("assignableScopes: \\[\\s*managementGroup\\(\\)\\.id\\s*\\]")
        .matcher(BicepTemplateTest.Bicep.of(file).noComments).find(), "assignable at the group, and nowhere else");
    assertTrue(role.get("name").startsWith("guid(managementGroup().id,"), "one role per group: " + role.get("name"));

    assertEquals(List.of(), BicepTree.resources(file, "Microsoft.Authorization/roleAssignments"),
        "defined at the group, never assigned there: that would reach every subscription under it");
  }

  /**
   * The role is assigned no wider than driftguard watches: at each target subscription and resource group, never at a
   * management group, where it would also reach the subscriptions deploy.sh left out (disabled, invisible to the login)
   * and every one that joins the group before the next deployment.
   */
  @Test
  void theRoleIsAssignedOnlyAtTheSubscriptionsAndGroupsDriftguardWatches() {
    for (Path file : BicepTemplateTest.bicepFiles()) {
      String text = BicepTemplateTest.Bicep.of(file).noComments;
      List<BicepTree.Resource> assignments = BicepTree.resources(file, "Microsoft.Authorization/roleAssignments");
      if (text.contains("targetScope = 'managementGroup'") || text.contains("targetScope = 'tenant'")) {
        assertEquals(List.of(), assignments, BicepTemplateTest.name(file) + " assigns above a subscription");
      }
      for (BicepTree.Resource assignment : assignments) {
        if (String.valueOf(assignment.get("properties.roleDefinitionId")).contains("roleDefinitionGuid")) {
          assertTrue(List.of("modules/target-subscription.bicep", "modules/target-resource-group.bicep")
              .contains(BicepTemplateTest.name(file)), "the custom role is assigned in " + BicepTemplateTest.name(file));
          assertNull(assignment.get("scope"), "at the module's own scope: the watched subscription or group");
          assertTrue(Pattern.compile("resource " + assignment.symbol() + " '[^']+' = if \\(assignRole\\)").matcher(text).find(),
              assignment + ": assigned when assignRole");
        }
      }
    }
    String main = BicepTemplateTest.text("main.bicep");
    BicepTemplateTest.assertContains(main,
        "var assignRole = !useManagementGroup || deployEventSubscription",
        "var managementGroupResourceId = '/providers/Microsoft.Management/managementGroups/${managementGroupId}'",
        "assignRole: assignRole");
    String batch = BicepTemplateTest.text("modules/target-batch.bicep");
    BicepTemplateTest.assertContains(batch,
        "scope: subscription(subscriptionId)", "scope: resourceGroup(group.subscriptionId, group.resourceGroup)");
    assertEquals(2, BicepTemplateTest.count(batch, "assignRole: assignRole"), "both kinds of target get the assignment");
    // The role main.bicep assigns is the one role-management-group.bicep defines at the group.
    String groupRole = BicepTree.resources(INFRA.resolve("modules/role-management-group.bicep"),
        "Microsoft.Authorization/roleDefinitions").get(0).get("name");
    assertTrue(main.contains(groupRole.replace("managementGroup().id", "managementGroupResourceId")),
        "main.bicep names the group's role as " + groupRole);
  }

  /**
   * Two installs in one tenant (another subscription, the same namePrefix) get roles of their own: the role's name
   * (its GUID) and display name are seeded by the install's own scope, the id of its resource group, never by the tenant
   * and the prefix alone, where the second install would take over the first one's role.
   */
  @Test
  void twoInstallsWithTheSamePrefixDoNotShareARole() {
    String main = BicepTemplateTest.text("main.bicep");
    BicepTemplateTest.assertContains(main,
        "var installId = '${subscription().id}/resourceGroups/${resourceGroupName}'",
        "var roleDefinitionGuid = useManagementGroup ? guid(managementGroupResourceId, installId, namePrefix, 'driftguard-remediator')"
            + " : guid(installId, namePrefix, 'driftguard-remediator')",
        "roleName: '${namePrefix} remediator (${suffix})'");
    assertFalse(BicepTemplateTest.Bicep.of(INFRA.resolve("main.bicep")).noComments.contains("tenant()"),
        "nothing of the install is named after the tenant alone");
    BicepTree.Resource groupRole = BicepTree.resources(INFRA.resolve("modules/role-management-group.bicep"),
        "Microsoft.Authorization/roleDefinitions").get(0);
    assertEquals("guid(managementGroup().id, installId, namePrefix, 'driftguard-remediator')", groupRole.get("name"));
    assertEquals("'${namePrefix} remediator (${managementGroup().name}, ${take(uniqueString(installId), 6)})'",
        groupRole.get("properties.roleName"));
    assertTrue(BicepTemplateTest.text("deploy.sh").contains("--parameters namePrefix=\"$prefix\" installId=\"$installId\""),
        "deploy.sh gives the group's role the install's scope");
  }

  /** The subscriptions deploy.sh lists become targetSubscriptionIds: each gets the same topic and filtered subscription. */
  @Test
  void everyTargetSubscriptionGetsTheSystemTopicAndTheEventSubscriptionWithTheCodesFilter() {
    String main = BicepTemplateTest.text("main.bicep");
    BicepTemplateTest.assertContains(main,
        "module targetBatches 'modules/target-batch.bicep' = [for batch in range(0, targetBatchCount): {",
        "subscriptionIds: take(skip(targetIds, batch * targetBatchSize), targetBatchSize)",
        "includedEventTypes: deliveredEventTypes", "operationNames: handledOperations",
        "DRIFTGUARD_SUBSCRIPTIONS: join(watchedSubscriptionIds, ',')",
        "var useManagementGroup = !empty(managementGroupId)",
        "module role 'modules/role-definition.bicep' = if (!useManagementGroup) {",
        "assignRole: assignRole");
    BicepTemplateTest.assertContains(BicepTemplateTest.text("modules/target-batch.bicep"),
        "module targets 'target-subscription.bicep' = [for (subscriptionId, i) in subscriptionIds: {",
        "scope: subscription(subscriptionId)",
        "var eventSources = concat(map(subscriptionIds, s => {",
        "module eventSubscriptions 'event-subscription.bicep' = [for (source, i) in eventSources: if (deployEventSubscription) {",
        "includedEventTypes: includedEventTypes", "operationNames: operationNames");
    assertTrue(BicepTemplateTest.loads("main.bicep", "documents.json"), "the filter comes from the document catalog");
    assertTrue(BicepTemplateTest.text("modules/target-subscription.bicep").contains("watchResourceGroup: false"),
        "a subscription's topic watches the whole subscription");
  }

  // ---------------------------------------------------------------- deploy.sh --management-group, with a fake az

  record Run(int exitCode, String output, List<String> azCalls, List<String> sleeps) {

    List<String> calls(String prefix) {
      return azCalls.stream().filter(call -> call.startsWith(prefix)).toList();
    }
  }

  /**
   * Runs a copy of infra/deploy.sh. The fake az fails its first {@code notYetVisible} management-group reads with
   * AuthorizationFailed, the first management-group deployment with RoleDefinitionDoesNotExist, lists
   * {@code entities} (one a line) under the group and {@code usable} as the subscriptions not disabled, and answers the deployment's outputs, managementGroupId being the
   * one the last subscription deployment was given.
   */
  Run deploy(int notYetVisible, String entities, String usable, String... arguments) throws IOException, InterruptedException {
    Path infra = Files.createDirectories(work.resolve("repo/infra"));
    try (Stream<Path> files = Files.list(INFRA)) {
      for (Path file : files.filter(file -> file.toString().endsWith(".sh")).toList()) {
        Files.copy(file, infra.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path bin = Files.createDirectories(work.resolve("bin"));
    Path calls = Files.writeString(work.resolve("az-calls"), "");
    Path sleeps = Files.writeString(work.resolve("sleeps"), "");
    Path mgReads = Files.writeString(work.resolve("mg-reads"), "");
    Path mgDeploys = Files.writeString(work.resolve("mg-deploys"), "");
    executable(bin, "az", "#!/usr/bin/env bash\n"
        + "echo \"$*\" >> '" + calls + "'\n"
        + "fail() { echo \"ERROR: {\\\"code\\\": \\\"$1\\\"}\" >&2; exit 1; }\n"
        + "case \"$*\" in\n"
        + "  'version --query \"azure-cli\" --output tsv') echo 2.67.0 ;;\n"
        + "  'account show --output none') ;;\n"
        + "  'account show --query id --output tsv') echo 99999999-9999-9999-9999-999999999999 ;;\n"
        + "  'account show --query name --output tsv') echo platform ;;\n"
        + "  'account list --all --refresh --query [?state=='\\''Enabled'\\'' || state=='\\''Warned'\\'' || "
        + "state=='\\''PastDue'\\''].id --output tsv') printf '" + usable.replace("\n", "\\n") + "' ;;\n"
        + "  'account management-group '*)\n"
        + "    echo x >> '" + mgReads + "'\n"
        + "    [[ $(wc -l < '" + mgReads + "') -le " + notYetVisible + " ]] && fail AuthorizationFailed\n"
        + "    [[ \"$*\" == *'entities list'* ]] && printf '" + entities.replace("\n", "\\n") + "' ;;\n"
        + "  'deployment sub show '*)\n"
        + "    case \"$*\" in\n"
        + "      *outputs.managementGroupId.value*) grep -o 'managementGroupId=[^ ]*' '" + calls + "' | tail -n 1 | cut -d= -f2 ;;\n"
        + "      *outputs.resourceGroupName.value*) echo rg-driftguard ;;\n"
        + "      *outputs.functionAppName.value*) echo driftguard-app ;;\n"
        + "      *outputs.principalId.value*) echo 44444444-4444-4444-4444-444444444444 ;;\n"
        + "      *outputs.namePrefix.value*) echo driftguard ;;\n"
        + "      *outputs.targetBatchCount.value*) echo 1 ;;\n"
        + "      *'--name driftguard-targets-0 '*) printf 'Succeeded\\t3\\t0\\n' ;;\n"
        + "      *outputs.installId.value*) echo /subscriptions/99999999-9999-9999-9999-999999999999/resourceGroups/rg-driftguard ;;\n"
        + "      *) fail UnknownOutput ;;\n"
        + "    esac ;;\n"
        + "  'deployment mg create '*)\n"
        + "    echo x >> '" + mgDeploys + "'\n"
        + "    [[ $(wc -l < '" + mgDeploys + "') -le 1 ]] && fail AuthorizationFailed ;;\n"
        + "  'deployment sub create '* | 'functionapp deployment source config-zip '* | 'role assignment delete '*) ;;\n"
        + "  'extension show '* | 'deployment sub validate '* | 'graph query '*) ;;\n"
        + "  *) fail UnexpectedCall ;;\n"
        + "esac\n"
        + "exit 0\n");
    executable(bin, "mvn", "#!/usr/bin/env bash\nmkdir -p functions/target/azure-functions/driftguard\n"
        + "touch functions/target/azure-functions/driftguard/host.json\n");
    executable(bin, "jar", "#!/usr/bin/env bash\n");
    executable(bin, "java", "#!/usr/bin/env bash\n");
    // A sleep of 300 s or more is the watchdog of a time bound (retry.sh's run_bounded): the step ends first.
    executable(bin, "sleep", "#!/usr/bin/env bash\nif [[ $1 -ge 300 ]]; then PATH=/usr/bin:/bin exec sleep 3600; fi\n"
        + "echo \"$1\" >> '" + sleeps + "'\n");
    List<String> command = new ArrayList<>(List.of("bash", infra.resolve("deploy.sh").toString(), "westeurope"));
    command.addAll(List.of(arguments));
    // Alerts without receivers on purpose: deploy.sh takes the confirmation out of the az arguments (DeployReceiversTest).
    command.add("--alerts-to-nobody");
    ProcessBuilder bash = new ProcessBuilder(command).redirectErrorStream(true);
    bash.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process process = bash.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "deploy.sh did not finish: " + output);
    return new Run(process.exitValue(), output, Files.readAllLines(calls), Files.readAllLines(sleeps));
  }

  static String lines(List<String> ids) {
    return String.join("\n", ids) + "\n";
  }

  static void executable(Path dir, String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void deployListsTheSubscriptionsUnderTheGroupAndDeploysToEachWithTheRoleAtTheGroup() throws Exception {
    Run run = deploy(1, UNDER_GROUP.get(0) + "\n" + DISABLED + "\n" + String.join("\n", UNDER_GROUP.subList(1, 3)) + "\n",
        lines(UNDER_GROUP), "--management-group", GROUP,
        "--parameters", "mode=notify");
    assertEquals(0, run.exitCode(), run.output());

    // A group (or a right on it) created moments ago: its first read fails, is announced and retried.
    assertEquals(List.of("account management-group show --name " + GROUP + " --output none",
            "account management-group show --name " + GROUP + " --output none",
            "account management-group entities list --query [?type=='/subscriptions' && contains(parentNameChain || `[]`, '"
                + GROUP + "')].name --output tsv"),
        run.calls("account management-group"), "the group is read, then every subscription anywhere under it listed");
    assertTrue(run.output().contains("management group " + GROUP + ": attempt 1 of 5 failed with AuthorizationFailed"),
        run.output());
    assertTrue(run.output().contains("leaving out subscription " + DISABLED + " under " + GROUP + ": disabled"), run.output());

    // Both passes of main.bicep watch exactly the listed subscriptions, after the caller's own arguments.
    String watched = "targetSubscriptionIds=[\"" + String.join("\",\"", UNDER_GROUP) + "\"] managementGroupId=" + GROUP;
    List<String> passes = run.calls("deployment sub create");
    assertEquals(2, passes.size(), run.azCalls().toString());
    for (String pass : passes) {
      assertTrue(pass.contains("--parameters mode=notify --parameters " + watched + " --parameters location=westeurope"),
          pass);
    }
    assertTrue(passes.get(0).endsWith("deployEventSubscription=false --output none"));
    assertTrue(passes.get(1).endsWith("deployEventSubscription=true --output none"));

    // The role at the group: deployed after the infrastructure, retried while the new role replicates.
    List<String> roles = run.calls("deployment mg create");
    assertEquals(2, roles.size(), "one AuthorizationFailed (the group not yet visible), then success: " + run.azCalls());
    assertTrue(roles.get(1).contains("--management-group-id " + GROUP) && roles.get(1).contains("role-management-group.bicep")
        && roles.get(1).contains("namePrefix=driftguard") && !roles.get(1).contains("principalId"), roles.get(1));
    // What an earlier version assigned at the group itself goes: the role now reaches only the watched subscriptions.
    String atTheGroup = "role assignment delete --assignee-object-id 44444444-4444-4444-4444-444444444444 --scope "
        + "/providers/Microsoft.Management/managementGroups/" + GROUP + " --yes --output none";
    assertEquals(List.of(atTheGroup), run.calls("role assignment"), run.azCalls().toString());
    assertTrue(run.azCalls().indexOf(atTheGroup) > run.azCalls().indexOf(passes.get(1)),
        "removed once the watched subscriptions hold the role");
    assertTrue(run.azCalls().indexOf(passes.get(0)) < run.azCalls().indexOf(roles.get(0))
        && run.azCalls().lastIndexOf(roles.get(1)) < run.azCalls().indexOf(passes.get(1)),
        "infrastructure, role at the group, then the Event Grid subscriptions: " + run.azCalls());
    assertEquals(List.of("15", "15"), run.sleeps(), "one back-off for the group read, one for the role");
  }

  @Test
  void withoutTheOptionNothingIsListedAndTheCallersSubscriptionsStand() throws Exception {
    Run run = deploy(0, "", "", "--parameters", "targetSubscriptionIds=[\"" + UNDER_GROUP.get(0) + "\"]");
    assertEquals(0, run.exitCode(), run.output());
    assertEquals(List.of(), run.calls("account management-group"));
    assertEquals(List.of(), run.calls("deployment mg create"), "no management group, no role there");
    run.calls("deployment sub create").forEach(pass -> assertTrue(!pass.contains("managementGroupId")
        && pass.contains("targetSubscriptionIds=[\"" + UNDER_GROUP.get(0) + "\"] --parameters location=westeurope"), pass));
  }

  @Test
  void aGroupWithoutSubscriptionsSomethingElseListedOrAMalformedIdStopsBeforeAnythingIsDeployed() throws Exception {
    Run empty = deploy(0, "", lines(UNDER_GROUP), "--management-group", GROUP);
    assertEquals(1, empty.exitCode(), empty.output());
    assertTrue(empty.output().contains("no subscription under management group " + GROUP), empty.output());
    assertEquals(List.of(), empty.calls("deployment"));

    String listed = UNDER_GROUP.get(0) + "\nmanagementGroupId=elsewhere\n";
    Run hostile = deploy(0, listed, listed, "--management-group", GROUP);
    assertEquals(1, hostile.exitCode(), hostile.output());
    assertTrue(hostile.output().contains("not a subscription id under " + GROUP), hostile.output());
    assertEquals(List.of(), hostile.calls("deployment"));

    Run quoted = deploy(0, lines(UNDER_GROUP), lines(UNDER_GROUP), "--management-group", "estate')] || `[\"x\"]`");
    assertEquals(1, quoted.exitCode(), quoted.output());
    assertTrue(quoted.output().contains("is not a management group id"), quoted.output());
    assertEquals(List.of(), quoted.calls("account management-group"));
  }

  /** deploy.sh reads the list in a command substitution, where bash does not inherit set -e. */
  @Test
  void aGroupThatNeverBecomesVisibleStopsTheScriptAfterTheRetriesWithAzsError() throws Exception {
    Run run = deploy(99, lines(UNDER_GROUP), lines(UNDER_GROUP), "--management-group", GROUP);
    assertEquals(1, run.exitCode(), run.output());
    assertTrue(run.output().contains("management group " + GROUP + ": gave up after 5 attempts (AuthorizationFailed)"),
        run.output());
    assertEquals(5, run.calls("account management-group").size(), "the group read only, not the listing after it");
    assertFalse(run.output().contains("no subscription under"), "not mistaken for an empty group: " + run.output());
    assertEquals(List.of(), run.calls("deployment"));
  }

  @Test
  void theScriptsParse() {
    BicepTemplateTest.bashSyntaxIsValid(INFRA.resolve("management-group.sh"));
    BicepTemplateTest.bashSyntaxIsValid(INFRA.resolve("deploy.sh"));
  }
}
