package io.driftguard.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * infra/remove.sh trusts nothing it reads back: the deployment's outputs are written by whoever may write deployments
 * in driftguard's subscription, and each one decides what an Owner's login deletes. Run with a fake az on PATH
 * ({@link FakeAz}) answering a healthy installation, then with one output or one answer made hostile at a time.
 */
class RemoveScriptTest {

  static final String OWN = "99999999-9999-9999-9999-999999999999";
  static final String TARGET_1 = "11111111-1111-1111-1111-111111111111";
  static final String TARGET_2 = "22222222-2222-2222-2222-222222222222";
  static final String GROUP_SUBSCRIPTION = "33333333-3333-3333-3333-333333333333";
  static final String WATCHED_GROUP = "/subscriptions/" + GROUP_SUBSCRIPTION + "/resourceGroups/team-apps";
  static final String PRINCIPAL = "44444444-4444-4444-4444-444444444444";
  static final String ROLE = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
  static final String INSTALL_TAG = "/subscriptions/" + OWN + "/resourceGroups/rg-driftguard";
  static final String MANAGEMENT_GROUP = "estate-mg";
  static final String MANAGEMENT_GROUP_SCOPE = "/providers/Microsoft.Management/managementGroups/" + MANAGEMENT_GROUP;

  @TempDir
  Path work;

  /** The answers of an installation deploy.sh made: two target subscriptions and one watched resource group. */
  static FakeAz healthy(Path work) {
    FakeAz az = FakeAz.signedIn(work, "2.60.0", OWN)
        .answer("deployment sub show --name driftguard --output none", "")
        .answer("deployment sub delete --name *", "")
        .answer("role assignment delete --ids *", "")
        .answer("role definition delete *", "")
        .answer("resource delete --ids *", "")
        .answer("group exists *", "true")
        .answer("group show * --query tags.\"driftguard-install\" --output tsv", INSTALL_TAG)
        .answer("group delete *", "");
    output(az, "namePrefix", "driftguard");
    output(az, "resourceGroupName", "rg-driftguard");
    output(az, "eventsResourceGroupName", "rg-driftguard-events");
    output(az, "principalId", PRINCIPAL);
    output(az, "roleDefinitionGuid", ROLE);
    output(az, "roleDefinitionSubscriptionId", TARGET_1);
    output(az, "managementGroupId", "");
    output(az, "targetSubscriptionIds", TARGET_1 + "\n" + TARGET_2);
    output(az, "targetResourceGroupIds", WATCHED_GROUP);
    output(az, "resourceGroupTopicName", "driftguard-resource-group-events");
    output(az, "targetBatchCount", "2");
    output(az, "reusedTopics", "");
    for (String scope : List.of("/subscriptions/" + TARGET_1, "/subscriptions/" + TARGET_2, WATCHED_GROUP)) {
      az.answer("role assignment list --scope " + scope + " *", assignment(scope));
    }
    return az;
  }

  static void output(FakeAz az, String name, String value) {
    az.answer("deployment sub show --name driftguard --query properties.outputs." + name + ".value --output tsv", value);
  }

  static String assignment(String scope) {
    return scope + "/providers/Microsoft.Authorization/roleAssignments/bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb";
  }

  static String role(String subscription) {
    return "/subscriptions/" + subscription + "/providers/Microsoft.Authorization/roleDefinitions/" + ROLE;
  }

  @Test
  void removesWhatTheCheckedOutputsNameAndFiltersAssignmentsByPrincipalAndRole() throws Exception {
    FakeAz.Run run = healthy(work).run("remove.sh", "--yes");
    assertEquals(0, run.exitCode(), run.output());

    for (String[] scopeAndRole : new String[][] {{"/subscriptions/" + TARGET_1, role(TARGET_1)},
        {"/subscriptions/" + TARGET_2, role(TARGET_2)}, {WATCHED_GROUP, role(GROUP_SUBSCRIPTION)}}) {
      String scope = scopeAndRole[0];
      assertTrue(run.calls().contains("role assignment list --scope " + scope + " --assignee-object-id " + PRINCIPAL
          + " --role " + scopeAndRole[1] + " --query [].id --output tsv"), "filtered by az, not by a query: " + run.calls());
      assertTrue(run.calls().contains("role assignment delete --ids " + assignment(scope) + " --output none"), run.calls().toString());
    }
    assertTrue(run.calls().stream().noneMatch(call -> call.contains("principalId==")),
        "no JMESPath built from an output: " + run.calls());
    assertTrue(run.calls().containsAll(List.of(
        "resource delete --ids " + WATCHED_GROUP + "/providers/Microsoft.Insights/metricAlerts/driftguard-resource-group-events-dead-letters --output none",
        "resource delete --ids " + WATCHED_GROUP + "/providers/Microsoft.Insights/activityLogAlerts/driftguard-resource-group-events-tampering --output none",
        "resource delete --ids " + WATCHED_GROUP + "/providers/Microsoft.EventGrid/systemTopics/driftguard-resource-group-events --output none",
        "group delete --subscription " + TARGET_1 + " --name rg-driftguard-events --yes",
        "group delete --subscription " + TARGET_2 + " --name rg-driftguard-events --yes",
        "role definition delete --name " + ROLE + " --scope /subscriptions/" + TARGET_1,
        "group delete --subscription " + OWN + " --name rg-driftguard --yes",
        "deployment sub delete --name driftguard-targets-0 --output none",
        "deployment sub delete --name driftguard-targets-1 --output none",
        "deployment sub delete --name driftguard --output none")), run.calls().toString());
    assertTrue(run.calls().contains("group show --subscription " + TARGET_1
        + " --name rg-driftguard-events --query tags.\"driftguard-install\" --output tsv"), "the tag is read first");
    assertEquals(13, run.deletions().size(), run.deletions().toString());
  }

  static Stream<Arguments> hostileOutputs() {
    return Stream.of(
        Arguments.of("principalId", PRINCIPAL + "' || principalId!='"),
        Arguments.of("principalId", ""),
        Arguments.of("targetSubscriptionIds", TARGET_1 + "\n" + TARGET_2 + "/resourceGroups/production"),
        Arguments.of("targetSubscriptionIds", TARGET_1 + "\n../../providers/Microsoft.Management/managementGroups/root"),
        Arguments.of("resourceGroupName", "rg-production"),
        Arguments.of("resourceGroupName", "rg-driftguard --subscription " + TARGET_2),
        Arguments.of("eventsResourceGroupName", "rg-shared-networking"),
        Arguments.of("namePrefix", "x\"; rm -rf ~; \""),
        Arguments.of("managementGroupId", MANAGEMENT_GROUP + "')] || `[\"x\"]`"),
        Arguments.of("targetResourceGroupIds", WATCHED_GROUP + "/../../../" + TARGET_2),
        Arguments.of("targetResourceGroupIds", "/subscriptions/not-a-guid/resourceGroups/team-apps"),
        Arguments.of("roleDefinitionGuid", "*"),
        Arguments.of("roleDefinitionSubscriptionId", "../" + TARGET_2),
        Arguments.of("resourceGroupTopicName", "someone-elses-topic"),
        Arguments.of("targetBatchCount", "1; az group delete"),
        Arguments.of("reusedTopics", TARGET_2 + " " + FOREIGN_TOPIC + "/../../../../resourceGroups/production"),
        Arguments.of("reusedTopics", TARGET_2 + " " + FOREIGN_TOPIC.replace(TARGET_2, TARGET_1)),
        Arguments.of("reusedTopics", TARGET_2 + " " + FOREIGN_TOPIC + " --ids /subscriptions/" + TARGET_1),
        Arguments.of("reusedTopics", "../" + TARGET_2 + " " + FOREIGN_TOPIC));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("hostileOutputs")
  void aHostileOutputStopsTheScriptBeforeAnythingIsListedOrDeleted(String name, String value) throws Exception {
    FakeAz az = healthy(work);
    output(az, name, value);
    FakeAz.Run run = az.run("remove.sh", "--yes");
    assertEquals(1, run.exitCode(), run.output());
    assertTrue(run.output().contains("output " + name + " "), "the refusal names the output: " + run.output());
    assertEquals(List.of(), run.deletions(), "nothing deleted");
    assertEquals(List.of(), run.calls("role assignment list"), "nothing listed with it");
  }

  /** The groups deploy.sh creates carry its tag; a group of the same name that does not is someone else's. */
  @Test
  void aResourceGroupWithoutTheInstallsTagIsLeftAlone() throws Exception {
    FakeAz az = healthy(work)
        .answer("group show --subscription " + TARGET_2 + " --name rg-driftguard-events --query *", "")
        .answer("group show --subscription " + OWN + " --name rg-driftguard --query *",
            "/subscriptions/" + TARGET_2 + "/resourceGroups/rg-driftguard");
    FakeAz.Run run = az.run("remove.sh", "--yes");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.calls().contains("group delete --subscription " + TARGET_1 + " --name rg-driftguard-events --yes"));
    assertFalse(run.calls().contains("group delete --subscription " + TARGET_2 + " --name rg-driftguard-events --yes"),
        "an untagged group stays: " + run.calls());
    assertFalse(run.calls().stream().anyMatch(call -> call.contains("--name rg-driftguard --yes")),
        "a group tagged by another install stays: " + run.calls());
    assertTrue(run.output().contains("leaving resource group rg-driftguard-events in subscription " + TARGET_2
        + " alone: it does not carry the tag driftguard-install=" + INSTALL_TAG), run.output());
  }

  static final String FOREIGN_TOPIC = "/subscriptions/" + TARGET_2
      + "/resourceGroups/rg-defender/providers/Microsoft.EventGrid/systemTopics/defender-subscription";
  static final String FOREIGN_GROUP_TOPIC = WATCHED_GROUP + "/providers/Microsoft.EventGrid/systemTopics/logic-apps-events";

  /** A system topic driftguard found and did not create loses driftguard's event subscription, and nothing else. */
  @Test
  void aTopicDriftguardReusedKeepsEverythingButDriftguardsEventSubscription() throws Exception {
    FakeAz az = healthy(work);
    output(az, "reusedTopics", TARGET_2 + " " + FOREIGN_TOPIC + "\n" + WATCHED_GROUP.toLowerCase(java.util.Locale.ROOT) + " " + FOREIGN_GROUP_TOPIC);
    FakeAz.Run run = az.run("remove.sh", "--yes");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.calls().containsAll(List.of(
        "resource delete --ids " + FOREIGN_TOPIC + "/eventSubscriptions/driftguard-on-resource-write --output none",
        "resource delete --ids " + FOREIGN_GROUP_TOPIC + "/eventSubscriptions/driftguard-on-resource-write --output none",
        "group delete --subscription " + TARGET_2 + " --name rg-driftguard-events --yes",
        "resource delete --ids " + WATCHED_GROUP + "/providers/Microsoft.Insights/metricAlerts/driftguard-resource-group-events-dead-letters --output none")),
        run.calls().toString());
    assertTrue(run.deletions().stream().noneMatch(call -> call.contains("/systemTopics/") && !call.contains("/eventSubscriptions/")),
        "no system topic is deleted: driftguard's own does not exist there, the found one is not driftguard's: " + run.deletions());
    assertEquals(14, run.deletions().size(), "one more: the event subscription on the subscription's topic: " + run.deletions());
    assertTrue(run.output().contains("leaving system topic " + FOREIGN_GROUP_TOPIC + " alone: driftguard did not create it"), run.output());
  }

  @Test
  void anAssignmentListedOutsideItsScopeIsNotDeleted() throws Exception {
    FakeAz az = healthy(work).answer("role assignment list --scope /subscriptions/" + TARGET_2 + " *",
        assignment("/subscriptions/" + OWN) + "\n" + assignment("/subscriptions/" + TARGET_2) + "/../x");
    FakeAz.Run run = az.run("remove.sh", "--yes");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.calls("role assignment delete").stream().noneMatch(call -> call.contains(OWN) || call.contains("..")),
        run.calls().toString());
    assertTrue(run.output().contains("not a role assignment at /subscriptions/" + TARGET_2), run.output());
  }

  /** A list read in a process substitution (mapfile < <(...)) failed silently and left half an install behind. */
  @Test
  void aFailedReadStopsTheScriptInsteadOfRemovingHalfTheInstall() throws Exception {
    FakeAz az = healthy(work).fail("deployment sub show --name driftguard --query properties.outputs.targetSubscriptionIds.*",
        "ERROR: (AuthorizationFailed) The client does not have authorization");
    FakeAz.Run run = az.run("remove.sh", "--yes");
    assertEquals(1, run.exitCode(), run.output());
    assertTrue(run.output().contains("AuthorizationFailed"), run.output());
    assertEquals(List.of(), run.deletions(), "nothing deleted");

    FakeAz listing = healthy(work.resolve("listing")).fail("role assignment list --scope /subscriptions/" + TARGET_2 + " *",
        "ERROR: (AuthorizationFailed) no");
    FakeAz.Run stopped = listing.run("remove.sh", "--yes");
    assertEquals(1, stopped.exitCode(), stopped.output());
    assertFalse(stopped.calls().stream().anyMatch(call -> call.startsWith("group delete --subscription " + TARGET_2)
        || call.contains("--name rg-driftguard --yes") || call.startsWith("role definition delete")
        || call.startsWith("deployment sub delete")), "stopped at the failed list: " + stopped.calls());
  }

  /** With a management group the role is defined there, but assigned, and removed, at each watched subscription. */
  @Test
  void atAManagementGroupTheRoleIdIsCheckedAndItsAssignmentsRemovedWhereTheyAre() throws Exception {
    String roleId = MANAGEMENT_GROUP_SCOPE + "/providers/Microsoft.Authorization/roleDefinitions/" + ROLE;
    FakeAz az = healthy(work)
        .answer("deployment mg show --management-group-id " + MANAGEMENT_GROUP + " --name driftguard-role *", roleId)
        .answer("deployment mg delete *", "")
        .answer("role assignment delete --assignee-object-id *", "");
    output(az, "managementGroupId", MANAGEMENT_GROUP);
    FakeAz.Run run = az.run("remove.sh", "--yes");
    assertEquals(0, run.exitCode(), run.output());
    for (String target : List.of(TARGET_1, TARGET_2)) {
      assertTrue(run.calls().contains("role assignment list --scope /subscriptions/" + target + " --assignee-object-id "
          + PRINCIPAL + " --role " + role(target) + " --query [].id --output tsv"), run.calls().toString());
    }
    assertTrue(run.calls().containsAll(List.of(
        "role assignment delete --assignee-object-id " + PRINCIPAL + " --scope " + MANAGEMENT_GROUP_SCOPE + " --yes --output none",
        "role definition delete --name " + ROLE + " --scope " + MANAGEMENT_GROUP_SCOPE)), run.calls().toString());

    FakeAz hostile = healthy(work.resolve("hostile"))
        .answer("deployment mg show *", "/subscriptions/" + TARGET_1 + "/providers/Microsoft.Authorization/roleDefinitions/" + ROLE);
    output(hostile, "managementGroupId", MANAGEMENT_GROUP);
    FakeAz.Run refused = hostile.run("remove.sh", "--yes");
    assertEquals(1, refused.exitCode(), refused.output());
    assertTrue(refused.output().contains("roleDefinitionId"), refused.output());
    assertEquals(List.of(), refused.deletions());
  }

  /** The tag remove.sh checks is the one the templates write on every resource group they create. */
  @Test
  void everyResourceGroupTheTemplatesCreateCarriesTheInstallsTag() {
    String main = BicepTemplateTest.text("main.bicep");
    assertTrue(main.contains("var installId = '${subscription().id}/resourceGroups/${resourceGroupName}'")
        && main.contains("'driftguard-install': installId"),
        "the tag's value is the id of the install's own resource group, which remove.sh computes from its own login");
    assertTrue(main.contains("var resourceTags = union(tags, installTag)") && main.contains("tags: resourceTags"),
        "the events groups get it too, and no tags parameter overrides it");
    assertTrue(BicepTemplateTest.text("install.sh").contains("--query 'tags.\"driftguard-install\"'"));
    int groups = 0;
    for (Path file : BicepTemplateTest.bicepFiles()) {
      for (BicepTree.Resource group : BicepTree.resources(file, "Microsoft.Resources/resourceGroups")) {
        groups++;
        assertTrue(List.of("resourceTags", "tags").contains(group.get("tags")), group + ": tags " + group.get("tags"));
      }
    }
    assertEquals(2, groups, "driftguard's own group and each target subscription's events group");
  }

  @Test
  void anAzureCliOlderThanTheReadmeNamesIsRefusedBeforeAnything() throws Exception {
    FakeAz.Run run = healthy(work).answer("version --query *", "2.51.0").run("remove.sh", "--yes");
    assertEquals(1, run.exitCode(), run.output());
    assertTrue(run.output().contains("remove.sh: Azure CLI 2.51.0 found; infra/ needs 2.60.0 or later"), run.output());
    assertEquals(List.of("version --query \"azure-cli\" --output tsv"), run.calls());
  }

  @Test
  void theScriptParses() {
    BicepTemplateTest.bashSyntaxIsValid(InfraContractTest.INFRA.resolve("remove.sh"));
  }
}
