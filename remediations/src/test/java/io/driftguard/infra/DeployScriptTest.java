package io.driftguard.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * infra/deploy.sh end to end with a fake az, mvn, jar and java on PATH ({@link FakeAz}): what it runs, in which order,
 * and what it does when a step never ends.
 */
class DeployScriptTest {

  static final String OWN = "99999999-9999-9999-9999-999999999999";
  static final String PRINCIPAL = "44444444-4444-4444-4444-444444444444";
  static final String UPLOAD = "functionapp deployment source config-zip ";

  @TempDir
  Path work;

  /** The answers of a first deployment that goes well, and a build that writes the Functions package. */
  static FakeAz healthy(Path work) {
    FakeAz az = FakeAz.signedIn(work, "2.67.0", OWN)
        .answer("account show --query name --output tsv", "platform")
        .answer("extension show --name resource-graph --output none", "")
        .answer("deployment sub validate *", "/subscriptions/" + OWN)
        .answer("graph query *", "")
        .answer("deployment sub create *", "")
        .answer(UPLOAD + "*", "")
        .command("mvn", "#!/usr/bin/env bash\necho \"$*\" >> ../mvn-calls\nmkdir -p functions/target/azure-functions/driftguard\n"
            + "touch functions/target/azure-functions/driftguard/host.json\n")
        .command("jar", "#!/usr/bin/env bash\n")
        .command("java", "#!/usr/bin/env bash\n");
    output(az, "namePrefix", "driftguard");
    output(az, "resourceGroupName", "rg-driftguard");
    output(az, "functionAppName", "driftguard-abc");
    output(az, "principalId", PRINCIPAL);
    output(az, "managementGroupId", "");
    output(az, "targetBatchCount", "1");
    output(az, "reusedTopics", "");
    az.answer("deployment sub show --name driftguard-targets-0 --query *", "Succeeded\t1\t0");
    return az;
  }

  static void output(FakeAz az, String name, String value) {
    az.answer("deployment sub show --name driftguard --query properties.outputs." + name + ".value --output tsv", value);
  }

  @Test
  void anUploadThatAnswersIsNotCut() throws Exception {
    FakeAz az = healthy(work);
    FakeAz.Run run = az.run("deploy.sh", "westeurope");
    assertEquals(0, run.exitCode(), run.output());
    List<String> uploads = run.calls(UPLOAD);
    assertEquals(1, uploads.size(), run.calls().toString());
    assertTrue(uploads.get(0).endsWith("--timeout 600 --output none"), "the CLI's own wait is bounded too: " + uploads);
    assertTrue(run.output().contains("waiting up to 600 s for the upload and for the app to report the deployment healthy"),
        "says what it waits for: " + run.output());
    assertFalse(run.output().contains("stopped it"), run.output());
    assertEquals(List.of(), az.sleeps());
  }

  /** Some CLI versions poll a Flex Consumption app's health forever: the bound cuts the upload, and the retry fires. */
  @Test
  void aHangingUploadIsCutAtItsBoundAndRetried() throws Exception {
    FakeAz az = healthy(work).first(1, UPLOAD + "*", "hang", "").timePassesFor(1);
    FakeAz.Run run = az.run("deploy.sh", "westeurope");
    assertEquals(0, run.exitCode(), run.output());
    assertEquals(2, run.calls(UPLOAD).size(), "cut, then retried: " + run.calls());
    assertTrue(run.output().contains("the code upload: no end after 600 s; stopped it"), run.output());
    assertTrue(run.output().contains("code: attempt 1 of 5 failed"), run.output());
    assertEquals(List.of("600", "15"), az.sleeps(), "the bound passed once, then one back-off");
    assertTrue(run.calls().indexOf(run.calls(UPLOAD).get(1)) < run.calls().lastIndexOf(run.calls("deployment sub create").get(1)),
        "the Event Grid pass runs after the code is up");
  }

  @Test
  void anUploadThatNeverEndsStopsTheScriptAfterTheAttempts() throws Exception {
    FakeAz az = healthy(work).hang(UPLOAD + "*").timePassesFor(5);
    FakeAz.Run run = az.run("deploy.sh", "westeurope");
    assertEquals(124, run.exitCode(), run.output());
    assertEquals(5, run.calls(UPLOAD).size(), run.calls().toString());
    assertTrue(run.output().contains("code: gave up after 5 attempts"), run.output());
    assertEquals(1, run.calls("deployment sub create").size(), "no Event Grid pass without the code: " + run.calls());
  }

  /**
   * 600 subscriptions from a file, some listed twice or in another case: each deploys once, in batches that ARM can
   * take, with a line per batch after each pass.
   */
  @Test
  void sixHundredSubscriptionsDeployOnceEachInBatches() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      ids.add(String.format("%08x-aaaa-4bbb-8ccc-%012x", i, i));
    }
    List<String> file = new ArrayList<>(List.of("# the estate", ""));
    file.addAll(ids);
    file.addAll(List.of(ids.get(7).toUpperCase(Locale.ROOT), "  " + ids.get(8) + "  ", ids.get(599) + " # again"));
    Path subscriptions = Files.write(work.resolve("subscriptions.txt"), file);
    FakeAz az = healthy(work);
    output(az, "targetBatchCount", "6");
    for (int batch = 0; batch < 6; batch++) {
      az.answer("deployment sub show --name driftguard-targets-" + batch + " --query *", "Succeeded\t100\t0");
    }
    FakeAz.Run run = az.run("deploy.sh", "westeurope", "--subscriptions", subscriptions.toString());
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("600 subscriptions in " + subscriptions + " (3 duplicate or differently cased ids left out)"),
        run.output());
    List<String> passes = run.calls("deployment sub create");
    assertEquals(2, passes.size());
    for (String pass : passes) {
      Matcher given = Pattern.compile("targetSubscriptionIds=\\[([^\\]]*)\\]").matcher(pass);
      assertTrue(given.find(), pass);
      assertEquals(ids.stream().map(id -> "\"" + id + "\"").toList(), List.of(given.group(1).split(",")),
          "each id once, lower case, in the file's order");
    }
    for (int batch = 1; batch <= 6; batch++) {
      String line = "targets batch " + batch + "/6 (driftguard-targets-" + (batch - 1) + "): Succeeded, 100 subscriptions, 0 resource groups";
      assertEquals(2, run.output().split(Pattern.quote(line), -1).length - 1, "after each pass: " + line + "\n" + run.output());
    }
  }

  @Test
  void aLineThatIsNotASubscriptionIdStopsTheScriptBeforeAnythingIsDeployed() throws Exception {
    Path subscriptions = Files.write(work.resolve("subscriptions.txt"),
        List.of("00000000-aaaa-4bbb-8ccc-000000000000", "00000001-aaaa-4bbb-8ccc-000000000001\"]", "x"));
    FakeAz.Run run = healthy(work).run("deploy.sh", "westeurope", "--subscriptions", subscriptions.toString());
    assertEquals(1, run.exitCode(), run.output());
    assertTrue(run.output().contains("not a subscription id in " + subscriptions), run.output());
    assertEquals(List.of(), run.calls("deployment"));
  }

  /** A batch state read back is an output too: anything but a state and two counts stops the script. */
  @Test
  void aHostileBatchStateStopsTheScript() throws Exception {
    FakeAz az = healthy(work).answer("deployment sub show --name driftguard-targets-0 --query *", "Succeeded\t1\t0; rm -rf ~");
    FakeAz.Run run = az.run("deploy.sh", "westeurope");
    assertEquals(1, run.exitCode(), run.output());
    assertTrue(run.output().contains("refusing the state of driftguard-targets-0"), run.output());
    assertEquals(List.of(), run.calls(UPLOAD));
  }

  @Test
  void anAzureCliOlderThanTheReadmeNamesIsRefusedBeforeAnything() throws Exception {
    for (String version : List.of("2.59.1", "", "2.67.0; rm -rf ~")) {
      FakeAz az = healthy(work.resolve("v" + version.length())).answer("version --query *", version);
      FakeAz.Run run = az.run("deploy.sh", "westeurope");
      assertEquals(1, run.exitCode(), run.output());
      assertTrue(run.output().contains("infra/ needs 2.60.0 or later (az upgrade)"), run.output());
      assertEquals(List.of(), run.calls("deployment"), version);
    }
    assertTrue(BicepTemplateTest.text("README.md").contains("Azure CLI 2.60 or later"), "the README names the same version");
  }

  /** A release zip deploys as it is: no Maven, no Java, no build. */
  @Test
  void aPrebuiltPackageDeploysWithoutBuilding() throws Exception {
    Path zip = Files.write(work.resolve("driftguard-functions-1.0.0.zip"),
        "PK\u0003\u0004 host.json OnResourceWrite/function.json".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    FakeAz az = healthy(work);
    FakeAz.Run run = az.run("deploy.sh", "westeurope", "--package", zip.toString());
    assertEquals(0, run.exitCode(), run.output());
    assertFalse(Files.exists(work.resolve("mvn-calls")), "nothing built");
    assertTrue(run.calls(UPLOAD).get(0).contains("--src " + zip + " "), run.calls().toString());
    assertTrue(run.output().contains("1/5 not building: deploying the package " + zip), run.output());

    Path notAPackage = Files.writeString(work.resolve("notes.zip"), "PK but no host file");
    FakeAz.Run refused = healthy(work.resolve("refused")).run("deploy.sh", "westeurope", "--package", notAPackage.toString());
    assertEquals(1, refused.exitCode(), refused.output());
    assertTrue(refused.output().contains("not a zip of a Functions package"), refused.output());
    assertEquals(List.of(), refused.calls("deployment"));
  }

  /** Building the package must not need npm: every profile of the poms that runs npm is left out of the build. */
  @Test
  void theBuildLeavesOutEveryProfileThatInstallsFromNpm() throws Exception {
    List<String> npmProfiles = new ArrayList<>();
    for (String module : List.of("", "sandbox", "remediations", "functions", "cli")) {
      Path pom = Path.of("..", module, "pom.xml");
      if (!Files.exists(pom)) {
        continue;
      }
      Matcher profile = Pattern.compile("(?s)<profile>\\s*(?:<!--.*?-->\\s*)?<id>([^<]+)</id>(.*?)</profile>")
          .matcher(Files.readString(pom));
      while (profile.find()) {
        if (profile.group(2).contains("<executable>npm</executable>")) {
          npmProfiles.add(profile.group(1));
        }
      }
    }
    assertTrue(npmProfiles.contains("install-azurite"), "the sandbox's Azurite profile is found: " + npmProfiles);
    FakeAz.Run run = healthy(work).run("deploy.sh", "westeurope");
    assertEquals(0, run.exitCode(), run.output());
    String build = Files.readString(work.resolve("mvn-calls")).trim();
    Matcher left = Pattern.compile("-P (\\S+)").matcher(build);
    assertTrue(left.find(), build);
    for (String profile : npmProfiles) {
      assertTrue(List.of(left.group(1).split(",")).contains("!" + profile), profile + " runs npm, yet the build has it: " + build);
    }
    assertTrue(build.startsWith("-B -q -DskipTests -pl functions -am package"), build);
  }

  static final String A = "aaaaaaaa-0000-4000-8000-000000000001";
  static final String B = "bbbbbbbb-0000-4000-8000-000000000002";
  static final String C = "cccccccc-0000-4000-8000-000000000003";
  static final String KEPT_GROUP = "/subscriptions/" + A + "/resourceGroups/team-kept";
  static final String LEFT_GROUP = "/subscriptions/" + C + "/resourceGroups/team-left";
  static final String ROLE = "dddddddd-0000-4000-8000-000000000004";

  /** A second deployment over an install whose targets were A, B, C and two groups: B and one group have left. */
  static FakeAz secondDeployment(Path work) {
    FakeAz az = healthy(work)
        .answer("deployment sub show --name driftguard --query properties.provisioningState --output tsv", "Succeeded")
        .answer("role assignment list --scope *", "")
        .answer("role assignment delete --ids *", "")
        .answer("resource delete --ids *", "")
        .answer("group exists *", "true")
        .answer("group show * --query tags.\"driftguard-install\" --output tsv", "/subscriptions/" + OWN + "/resourceGroups/rg-driftguard")
        .answer("group delete *", "");
    output(az, "eventsResourceGroupName", "rg-driftguard-events");
    output(az, "resourceGroupTopicName", "driftguard-resource-group-events");
    output(az, "roleDefinitionSubscriptionId", A);
    output(az, "roleDefinitionGuid", ROLE);
    String outputs = "deployment sub show --name driftguard --query properties.outputs.";
    // The last answer that matches wins: what the new deployment says, then what the first read said before it.
    output(az, "targetSubscriptionIds", A + "\n" + C);
    az.first(1, outputs + "targetSubscriptionIds.value --output tsv", "0", A + "\n" + B.toUpperCase(Locale.ROOT) + "\n" + C);
    output(az, "targetResourceGroupIds", KEPT_GROUP);
    az.first(1, outputs + "targetResourceGroupIds.value --output tsv", "0", KEPT_GROUP + "\n" + LEFT_GROUP);
    for (String scope : List.of("/subscriptions/" + B.toUpperCase(Locale.ROOT), LEFT_GROUP)) {
      az.answer("role assignment list --scope " + scope + " *", scope + "/providers/Microsoft.Authorization/roleAssignments/" + ROLE);
    }
    return az;
  }

  @Test
  void aTargetThatLeftLosesItsGrantAndTopicOnTheNextDeployment() throws Exception {
    FakeAz.Run run = secondDeployment(work).run("deploy.sh", "westeurope");
    assertEquals(0, run.exitCode(), run.output());
    String bScope = "/subscriptions/" + B.toUpperCase(Locale.ROOT);
    List<String> expected = List.of(
        "role assignment list --scope " + bScope + " --assignee-object-id " + PRINCIPAL + " --role " + bScope
            + "/providers/Microsoft.Authorization/roleDefinitions/" + ROLE + " --query [].id --output tsv",
        "role assignment delete --ids " + bScope + "/providers/Microsoft.Authorization/roleAssignments/" + ROLE + " --output none",
        "group delete --subscription " + B.toUpperCase(Locale.ROOT) + " --name rg-driftguard-events --yes",
        "role assignment delete --ids " + LEFT_GROUP + "/providers/Microsoft.Authorization/roleAssignments/" + ROLE + " --output none",
        "resource delete --ids " + LEFT_GROUP + "/providers/Microsoft.EventGrid/systemTopics/driftguard-resource-group-events --output none",
        "resource delete --ids " + LEFT_GROUP + "/providers/Microsoft.Insights/metricAlerts/driftguard-resource-group-events-dead-letters --output none",
        "resource delete --ids " + LEFT_GROUP + "/providers/Microsoft.Insights/activityLogAlerts/driftguard-resource-group-events-tampering --output none");
    assertTrue(run.calls().containsAll(expected), run.calls().toString());
    assertEquals(6, run.deletions().size(), "only what left: " + run.deletions());
    assertTrue(run.deletions().stream().noneMatch(call -> call.contains(A) || call.contains(C + " ") || call.contains(KEPT_GROUP)),
        run.deletions().toString());
    int firstPass = run.calls().indexOf(run.calls("deployment sub create").get(0));
    assertTrue(run.calls().indexOf(expected.get(2)) > firstPass && run.calls().indexOf(expected.get(2)) < run.calls().indexOf(run.calls(UPLOAD).get(0)),
        "removed once the new deployment's outputs say what stays, before the code goes up");
  }

  @Test
  void aHostilePreviousOutputStopsTheScriptBeforeAnythingIsDeployed() throws Exception {
    FakeAz az = secondDeployment(work);
    az.first(1, "deployment sub show --name driftguard --query properties.outputs.targetSubscriptionIds.value --output tsv", "0",
        A + "\n/subscriptions/" + B);
    FakeAz.Run run = az.run("deploy.sh", "westeurope");
    assertEquals(1, run.exitCode(), run.output());
    assertTrue(run.output().contains("refusing output targetSubscriptionIds"), run.output());
    assertEquals(List.of(), run.calls("deployment sub create"));
  }

  /** A failed deployment keeps no outputs: the next one deploys over it instead of refusing its empty record. */
  @Test
  void aFailedPreviousDeploymentIsDeployedOver() throws Exception {
    FakeAz az = secondDeployment(work)
        .answer("deployment sub show --name driftguard --output none", "")
        .answer("deployment sub show --name driftguard --query properties.provisioningState --output tsv", "Failed");
    output(az, "eventsResourceGroupName", "");
    FakeAz.Run run = az.run("deploy.sh", "westeurope");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("the previous deployment 'driftguard' is Failed"), run.output());
    assertEquals(List.of(), run.deletions());
  }

  static final String SUBSCRIPTIONS = "Microsoft.Resources.Subscriptions";
  static final String RESOURCE_GROUPS = "Microsoft.Resources.ResourceGroups";
  static final String TEAM = "/subscriptions/" + A + "/resourceGroups/Team-Apps";
  /** Defender's topic for the subscription: one per source, so driftguard's cannot be created beside it. */
  static final String DEFENDER = "/subscriptions/" + OWN + "/resourceGroups/rg-defender/providers/Microsoft.EventGrid/systemTopics/defender-subscription";
  /** driftguard's own topic in the team's group, from the previous deployment. */
  static final String OWN_GROUP_TOPIC = TEAM + "/providers/Microsoft.EventGrid/systemTopics/driftguard-resource-group-events";
  static final String INSTALL = "/subscriptions/" + OWN + "/resourceGroups/rg-driftguard";

  static String topic(String id, String source, String type, String identity, String installTag) {
    return String.join("\t", id, source, type, identity, installTag);
  }

  /** Targets that already have a system topic: the listing is passed on, and main.bicep reuses what is not its own. */
  static FakeAz withTopics(Path work, String... rows) {
    return healthy(work)
        .answer("deployment sub validate *", "/subscriptions/" + OWN + "\n" + TEAM)
        .answer("graph query *", String.join("\n", rows));
  }

  @Test
  void anExistingSystemTopicIsReusedAndNoSecondOneCreated() throws Exception {
    FakeAz az = withTopics(work, topic(DEFENDER, "/subscriptions/" + OWN, SUBSCRIPTIONS, "SystemAssigned", "-"),
        topic(OWN_GROUP_TOPIC, TEAM, RESOURCE_GROUPS, "SystemAssigned", INSTALL));
    FakeAz.Run run = az.run("deploy.sh", "westeurope");
    assertEquals(0, run.exitCode(), run.output());
    List<String> listings = run.calls("graph query");
    assertEquals(1, listings.size(), "one listing for the batch: " + run.calls());
    assertTrue(listings.get(0).contains("--subscriptions " + OWN + " " + A + " "), listings.get(0));
    assertTrue(listings.get(0).contains("'/subscriptions/" + OWN + "', '" + TEAM.toLowerCase(Locale.ROOT) + "'"),
        "only the targets' own sources are asked for: " + listings.get(0));
    String passed = "existingTopics=[{\"target\":\"" + OWN + "\",\"id\":\"" + DEFENDER + "\",\"installTag\":\"-\"},"
        + "{\"target\":\"" + TEAM.toLowerCase(Locale.ROOT) + "\",\"id\":\"" + OWN_GROUP_TOPIC + "\",\"installTag\":\"" + INSTALL + "\"}]";
    List<String> passes = run.calls("deployment sub create");
    assertEquals(2, passes.size());
    for (String pass : passes) {
      assertTrue(pass.contains(passed), "both passes name the topics: " + pass);
    }
    assertTrue(run.calls().indexOf(listings.get(0)) < run.calls().indexOf(passes.get(0)), "listed before deploying");
    assertTrue(run.output().contains("subscription " + OWN + " already has system topic defender-subscription (resource group rg-defender)"),
        run.output());
  }

  static Stream<Arguments> hostileListings() {
    String own = "/subscriptions/" + OWN;
    return Stream.of(
        Arguments.of(topic(DEFENDER + "\"},{\"target\":\"x", own, SUBSCRIPTIONS, "SystemAssigned", "-")),
        Arguments.of(topic(DEFENDER.replace("defender-subscription", "a b"), own, SUBSCRIPTIONS, "SystemAssigned", "-")),
        Arguments.of(topic(DEFENDER.replace("defender-subscription", "x"), own, SUBSCRIPTIONS, "SystemAssigned", "-")),
        Arguments.of(topic(DEFENDER + "/../../x", own, SUBSCRIPTIONS, "SystemAssigned", "-")),
        Arguments.of(topic(DEFENDER.replace(OWN, A), own, SUBSCRIPTIONS, "SystemAssigned", "-")),
        Arguments.of(topic(DEFENDER.replace(OWN, C), "/subscriptions/" + C, SUBSCRIPTIONS, "SystemAssigned", "-")),
        Arguments.of(topic(DEFENDER, own + "/", SUBSCRIPTIONS, "SystemAssigned", "-")),
        Arguments.of(topic(DEFENDER, own, RESOURCE_GROUPS, "SystemAssigned", "-")),
        Arguments.of(topic(DEFENDER, own, SUBSCRIPTIONS + "'", "SystemAssigned", "-")),
        Arguments.of(topic(DEFENDER, own, SUBSCRIPTIONS, "SystemAssigned; rm -rf ~", "-")),
        Arguments.of(topic(DEFENDER, own, SUBSCRIPTIONS, "SystemAssigned", "-") + "\textra"),
        Arguments.of(topic(OWN_GROUP_TOPIC.replace(A, C), TEAM, RESOURCE_GROUPS, "SystemAssigned", "-")),
        Arguments.of(topic(DEFENDER, own, SUBSCRIPTIONS, "SystemAssigned", "-") + "\n"
            + topic(DEFENDER.replace("defender", "logic"), own, SUBSCRIPTIONS, "SystemAssigned", "-")));
  }

  /** The listing is hostile input: a value that does not fit, or a topic for a source nobody asked for, stops the script. */
  @ParameterizedTest
  @MethodSource("hostileListings")
  void aHostileTopicListingStopsTheScriptBeforeAnythingIsDeployed(String listing) throws Exception {
    FakeAz.Run run = withTopics(work, listing).run("deploy.sh", "westeurope");
    assertEquals(1, run.exitCode(), run.output());
    assertTrue(run.output().contains("refusing the system topic listing"), run.output());
    assertEquals(List.of(), run.calls("deployment sub create"));
  }

  /** Dead letters go with the topic's own identity into an account without keys: a topic without one is refused. */
  @Test
  void anExistingTopicWithoutASystemAssignedIdentityIsRefusedWithTheReason() throws Exception {
    for (String identity : List.of("None", "UserAssigned")) {
      FakeAz az = withTopics(work.resolve(identity), topic(DEFENDER, "/subscriptions/" + OWN, SUBSCRIPTIONS, identity, "-"));
      FakeAz.Run run = az.run("deploy.sh", "westeurope");
      assertEquals(1, run.exitCode(), run.output());
      assertTrue(run.output().contains("system topic defender-subscription (resource group rg-defender) of subscription " + OWN
          + " has no system-assigned identity"), run.output());
      assertTrue(run.output().contains("az eventgrid system-topic update --name defender-subscription --resource-group rg-defender"
          + " --subscription " + OWN + " --identity systemassigned"), run.output());
      assertEquals(List.of(), run.calls("deployment sub create"));
    }
  }

  /** A target that leaves keeps the system topic driftguard found there: only driftguard's event subscription goes. */
  @Test
  void aTargetThatLeftKeepsTheTopicDriftguardFoundThere() throws Exception {
    String foundOnB = "/subscriptions/" + B + "/resourceGroups/rg-defender/providers/Microsoft.EventGrid/systemTopics/defender-subscription";
    String foundInLeftGroup = LEFT_GROUP + "/providers/Microsoft.EventGrid/systemTopics/logic-apps-events";
    FakeAz az = secondDeployment(work);
    az.first(1, "deployment sub show --name driftguard --query properties.outputs.reusedTopics.value --output tsv", "0",
        B + " " + foundOnB + "\n" + LEFT_GROUP.toLowerCase(Locale.ROOT) + " " + foundInLeftGroup);
    FakeAz.Run run = az.run("deploy.sh", "westeurope");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.calls().containsAll(List.of(
        "resource delete --ids " + foundOnB + "/eventSubscriptions/driftguard-on-resource-write --output none",
        "resource delete --ids " + foundInLeftGroup + "/eventSubscriptions/driftguard-on-resource-write --output none")),
        run.calls().toString());
    assertTrue(run.deletions().stream().noneMatch(call -> call.contains("/systemTopics/") && !call.contains("/eventSubscriptions/")),
        "no topic deleted: " + run.deletions());
    assertEquals(7, run.deletions().size(), run.deletions().toString());
  }
}
