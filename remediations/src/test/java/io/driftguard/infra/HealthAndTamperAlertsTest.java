package io.driftguard.infra;

import static io.driftguard.infra.BicepTemplateTest.INFRA;
import static io.driftguard.infra.BicepTemplateTest.allowedValues;
import static io.driftguard.infra.BicepTemplateTest.loads;
import static io.driftguard.infra.BicepTemplateTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * driftguard's own alerts, to the platform's action group: it cannot start (severity 1 within minutes), a reconcile
 * has not completed in two schedules (severity 1), and its event subscriptions, system topics, role definition or role
 * assignments were deleted or changed (an Activity Log alert where each lives). The syntax of the files is
 * BicepTemplateTest's; the queries' match on what the functions log is HealthAlertQueriesIT's (functions module).
 */
class HealthAndTamperAlertsTest {

  static final String HEALTH = "modules/health-alerts.bicep";
  static final String TAMPER = "modules/tamper-alert.bicep";

  // ---------------------------------------------------------------- health

  @Test
  void mainDeploysTheHealthAlertsToTheActionGroupForEverySweptSubscription() {
    String call = moduleCall(text("main.bicep"), "health", HEALTH);
    assertTrue(call.contains("actionGroupId: alerting.outputs.actionGroupId"), call);
    assertTrue(call.contains("workspaceName: app.outputs.workspaceName"), "the workspace of driftguard's own telemetry");
    assertTrue(call.contains("watchedSubscriptionIds: watchedSubscriptionIds"), call);
    assertTrue(text("main.bicep").contains("DRIFTGUARD_SUBSCRIPTIONS: join(watchedSubscriptionIds, ',')"),
        "the reconcile alert watches the subscriptions the reconcile sweeps");
    assertTrue(text("main.bicep").contains("param deployedAt string = utcNow()"), "the deployment's time, for the grace");
  }

  @Test
  void bothHealthRulesAreSeverityOneOnDriftguardsWorkspaceAndResolveThemselves() {
    List<BicepTree.Resource> rules = BicepTree.resources(INFRA.resolve(HEALTH), "Microsoft.Insights/scheduledQueryRules");
    assertEquals(2, rules.size(), rules.toString());
    for (BicepTree.Resource rule : rules) {
      assertEquals("1", rule.get("properties.severity"), rule.toString());
      assertEquals("'LogAlert'", rule.get("kind"), rule.toString());
      assertEquals("true", rule.get("properties.enabled"), rule.toString());
      assertEquals("workspace.id", rule.get("properties.scopes.0"), rule.toString());
      assertEquals("actionGroupId", rule.get("properties.actions.actionGroups.0"), rule + " notifies the action group");
      assertEquals("true", rule.get("properties.autoMitigate"),
          rule + ": a state, not an event: one notification when it starts, resolved when it ends");
      assertEquals("'Count'", rule.get("properties.criteria.allOf.0.timeAggregation"), rule.toString());
      assertEquals("'GreaterThan'", rule.get("properties.criteria.allOf.0.operator"), rule.toString());
      assertEquals("0", rule.get("properties.criteria.allOf.0.threshold"), rule.toString());
    }
  }

  @Test
  void aDriftguardThatCannotStartAlertsWithinMinutes() {
    BicepTree.Resource rule = rule("cannotStart");
    Duration frequency = BicepTemplateTest.duration(rule, "properties.evaluationFrequency");
    Duration window = BicepTemplateTest.duration(rule, "properties.windowSize");
    assertTrue(frequency.compareTo(Duration.ofMinutes(5)) <= 0 && window.compareTo(Duration.ofMinutes(10)) <= 0,
        "within minutes: every " + frequency + " over " + window);
    assertTrue(frequency.compareTo(window) < 0, "overlapping windows, so late telemetry is still seen");
    assertTrue(loads(HEALTH, "alerts/driftguard-cannot-start.kql"));
    assertEquals("trim(cannotStartQuery)", rule.get("properties.criteria.allOf.0.query"));
    String query = kql("alerts/driftguard-cannot-start.kql");
    assertTrue(query.contains("AppRequests | where Success == false"), "failed invocations count");
    assertTrue(query.contains("AppExceptions") && query.contains("SeverityLevel >= 3"),
        "so do the host's errors when it cannot start the functions at all");
    assertTrue(query.contains("toscalar(AppRequests | where Success == true | count)")
        && query.contains("where succeeded == 0"), "only when nothing succeeded: one retryable failure is not an outage");
    assertTrue(query.trim().endsWith("| where Failures > 0"), "an empty summary row must not fire");
  }

  @Test
  void aReconcileNotCompletedInTwoSchedulesAlertsPerSubscription() {
    BicepTree.Resource rule = rule("reconcileMissed");
    assertEquals("reconcileAlertWindow", rule.get("properties.windowSize"));
    assertEquals("'Subscription'", rule.get("properties.criteria.allOf.0.dimensions.0.name"), "one alert per subscription");
    assertEquals("'${reconcileDefinitions}${trim(reconcileMissedQuery)}'", rule.get("properties.criteria.allOf.0.query"));
    assertTrue(loads(HEALTH, "alerts/driftguard-reconcile-missed.kql"));

    String main = text("main.bicep");
    List<String> windows = allowedValues(main, "reconcileAlertWindow");
    assertEquals(windows, allowedValues(text(HEALTH), "reconcileAlertWindow"), "main.bicep and the module allow the same");
    Matcher defaults = Pattern.compile("param reconcileAlertWindow string = '([^']+)'").matcher(main);
    assertTrue(defaults.find());
    Duration window = Duration.parse(defaults.group(1).replace("P1D", "PT24H").replace("P2D", "PT48H"));
    assertEquals(twoPeriods(Settings.DEFAULT_RECONCILE_SCHEDULE), window,
        "the default window is two periods of the default schedule " + Settings.DEFAULT_RECONCILE_SCHEDULE);
    assertTrue(main.contains("param reconcileSchedule string = '" + Settings.DEFAULT_RECONCILE_SCHEDULE + "'"));
    Duration frequency = BicepTemplateTest.duration(rule, "properties.evaluationFrequency");
    for (String allowed : windows) {
      Duration each = Duration.parse(allowed.replace("P1D", "PT24H").replace("P2D", "PT48H"));
      assertTrue(frequency.compareTo(each) <= 0, "evaluated at least once per window " + allowed);
      assertEquals(each, kqlTimespan(kqlTimespans().get(allowed)), "the query's window for " + allowed);
    }
    assertEquals(new TreeSet<>(windows), new TreeSet<>(kqlTimespans().keySet()), "a KQL timespan for each window");

    // The definitions the template puts before the query are the names the query uses.
    String definitions = BicepTemplateTest.Bicep.of(INFRA.resolve(HEALTH)).noComments;
    String query = kql("alerts/driftguard-reconcile-missed.kql");
    for (String name : List.of("window", "watched", "deployedAt")) {
      assertTrue(definitions.contains("let " + name + " = "), "the template defines " + name);
      assertTrue(Pattern.compile("\\b" + name + "\\b").matcher(query).find(), "the query uses " + name);
    }
    assertTrue(definitions.contains("let watched = dynamic(${string(watchedSubscriptionIds)});"));
    assertTrue(query.contains("where now() - deployedAt >= window"), "a new deployment is not judged before a window");
    assertTrue(query.contains("join kind=leftanti finished on Subscription"), "the subscriptions without a finished sweep");
  }

  // ---------------------------------------------------------------- tampering

  static final Set<String> TAMPERING = Set.of(
      "Microsoft.Resources/subscriptions/resourceGroups/delete",
      "Microsoft.EventGrid/systemTopics/delete",
      "Microsoft.EventGrid/systemTopics/write",
      "Microsoft.EventGrid/systemTopics/eventSubscriptions/delete",
      "Microsoft.EventGrid/systemTopics/eventSubscriptions/write",
      "Microsoft.Authorization/roleAssignments/delete",
      "Microsoft.Authorization/roleDefinitions/write",
      "Microsoft.Authorization/roleDefinitions/delete");

  @Test
  void theTamperAlertIsAnActivityLogAlertOnDriftguardsResourcesToTheActionGroup() {
    List<BicepTree.Resource> alerts = BicepTree.resources(INFRA.resolve(TAMPER), "Microsoft.Insights/activityLogAlerts");
    assertEquals(1, alerts.size());
    BicepTree.Resource alert = alerts.get(0);
    assertEquals("'global'", alert.get("location"), "Activity Log alerts are global");
    assertEquals("true", alert.get("properties.enabled"));
    assertEquals("watchedScope", alert.get("properties.scopes.0"));
    assertEquals("'category'", alert.get("properties.condition.allOf.0.field"));
    assertEquals("'Administrative'", alert.get("properties.condition.allOf.0.equals"));
    assertTrue(alert.get("properties.condition.allOf.1.anyOf").startsWith("[for operation in tamperingOperations:"));
    assertEquals("'operationName'", alert.get("properties.condition.allOf.1.anyOf.field"));
    assertEquals("operation", alert.get("properties.condition.allOf.1.anyOf.equals"));
    assertTrue(alert.get("properties.condition.allOf.2.anyOf").startsWith("[for id in resourceIds:"),
        "only driftguard's own resources: others' role assignments come and go all day");
    assertEquals("'resourceId'", alert.get("properties.condition.allOf.2.anyOf.field"));
    assertEquals("id", alert.get("properties.condition.allOf.2.anyOf.equals"));
    assertEquals("actionGroupId", alert.get("properties.actions.actionGroups.0.actionGroupId"));
    assertEquals(TAMPERING, new TreeSet<>(literals(variable(text(TAMPER), "tamperingOperations"))));
  }

  @Test
  void everyWatchedSubscriptionAndResourceGroupHasATamperAlertOnWhatConnectsDriftguardToIt() {
    for (String target : List.of("modules/target-subscription.bicep", "modules/target-resource-group.bicep")) {
      String code = text(target);
      String call = moduleCall(code, "tamper", "tamper-alert.bicep");
      assertTrue(call.contains("actionGroupId: actionGroupId"), target);
      assertTrue(call.contains(target.contains("subscription") ? "watchedScope: subscription().id"
          : "watchedScope: resourceGroup().id"), target + ": the scope it watches");
      assertTrue(call.contains("topic.outputs.id\n"), target + ": the system topic");
      assertTrue(call.contains("'${topic.outputs.id}/eventSubscriptions/${eventSubscriptionName}'"),
          target + ": the event subscription");
      for (BicepTree.Resource assignment : BicepTree.resources(INFRA.resolve(target), "Microsoft.Authorization/roleAssignments")) {
        assertTrue(call.contains(assignment.symbol() + ".id"), target + ": the role assignment " + assignment);
      }
    }
    String subscription = moduleCall(text("modules/target-subscription.bicep"), "tamper", "tamper-alert.bicep");
    assertTrue(subscription.contains("rg.id\n"), "the events resource group, whose deletion takes the topic along");
    assertTrue(subscription.contains("subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionGuid)"),
        "the role definition, in the target subscription that holds it");
    assertTrue(text("modules/system-topic.bicep").contains("output id string = topicId"), "the topic used, driftguard's own or one found");

    String main = text("main.bicep");
    assertTrue(main.contains("var eventSubscriptionName = '${namePrefix}-on-resource-write'"));
    assertTrue(moduleCall(main, "targetBatches", "modules/target-batch.bicep")
        .contains("eventSubscriptionName: eventSubscriptionName"), "every batch knows the event subscription's name");
    String batch = text("modules/target-batch.bicep");
    assertEquals(2, BicepTemplateTest.count(batch, "eventSubscriptionName: eventSubscriptionName"),
        "both kinds of target know the event subscription's name");
    assertTrue(moduleCall(batch, "eventSubscriptions", "event-subscription.bicep")
        .contains("name: eventSubscriptionName"), "the name the tamper alerts watch is the event subscription's");
    String roleOnly = moduleCall(main, "roleTamper", "modules/tamper-alert.bicep");
    assertTrue(main.contains("module roleTamper 'modules/tamper-alert.bicep' = if (!useManagementGroup && empty(targetIds))"),
        "with only resource groups watched, the role in driftguard's own subscription has its own alert");
    assertTrue(roleOnly.contains("subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionGuid)"));
  }

  /** A watched resource group is the team's own and stays: remove.sh deletes driftguard's alerts in it by name. */
  @Test
  void removeDeletesTheTamperAlertItLeftInATeamsResourceGroup() {
    assertTrue(moduleCall(text("modules/target-resource-group.bicep"), "tamper", "tamper-alert.bicep")
        .contains("name: '${systemTopicName}-tampering'"));
    String removeGroupTarget = text("install.sh").substring(text("install.sh").indexOf("remove_group_target() {"));
    assertTrue(removeGroupTarget.substring(0, removeGroupTarget.indexOf("\n}")).contains(
        "az resource delete --ids \"$1/providers/Microsoft.Insights/activityLogAlerts/$groupTopic-tampering\""),
        "remove.sh (through install.sh's remove_group_target) deletes the group's tamper alert with its topic");
    assertTrue(text("remove.sh").contains("remove_group_target \"$watched\""), "for every watched group");
  }

  // ---------------------------------------------------------------- helpers

  static BicepTree.Resource rule(String symbol) {
    return BicepTree.resources(INFRA.resolve(HEALTH), "Microsoft.Insights/scheduledQueryRules").stream()
        .filter(resource -> resource.symbol().equals(symbol)).findFirst().orElseThrow(() -> new AssertionError(symbol));
  }

  /** The query without its comment lines. */
  static String kql(String file) {
    return text(file).lines().filter(line -> !line.trim().startsWith("//")).reduce("", (a, b) -> a + b + "\n");
  }

  /** The text of a module declaration, from its symbol to the end of its body. */
  static String moduleCall(String code, String symbol, String path) {
    Matcher start = Pattern.compile("(?m)^module " + symbol + " '" + Pattern.quote(path) + "' = ").matcher(code);
    assertTrue(start.find(), "no module " + symbol + " '" + path + "'");
    int end = code.indexOf("\n}", start.end());
    return code.substring(start.start(), end + 2);
  }

  static String variable(String code, String name) {
    Matcher value = Pattern.compile("(?s)\\nvar " + name + " = (\\[.*?\\n\\]|\\{.*?\\n\\})").matcher(code);
    assertTrue(value.find(), "no var " + name);
    return value.group(1);
  }

  static List<String> literals(String text) {
    List<String> literals = new ArrayList<>();
    Matcher literal = Pattern.compile("'([^']*)'").matcher(text);
    while (literal.find()) {
      literals.add(literal.group(1));
    }
    return literals;
  }

  /** The module's map from each allowed window to its KQL timespan. */
  static Map<String, String> kqlTimespans() {
    Map<String, String> timespans = new LinkedHashMap<>();
    Matcher entry = Pattern.compile("(?m)^\\s*(\\w+): '([^']+)'$").matcher(variable(text(HEALTH), "kqlTimespans"));
    while (entry.find()) {
      timespans.put(entry.group(1), entry.group(2));
    }
    return timespans;
  }

  static Duration kqlTimespan(String timespan) {
    Matcher parts = Pattern.compile("(\\d+)([hd])").matcher(timespan);
    assertTrue(parts.matches(), "a KQL timespan in hours or days: " + timespan);
    long amount = Long.parseLong(parts.group(1));
    return parts.group(2).equals("h") ? Duration.ofHours(amount) : Duration.ofDays(amount);
  }

  /** Two periods of an NCRONTAB schedule that runs every N hours ("s m *&#47;N * * *"). */
  static Duration twoPeriods(String schedule) {
    Matcher everyHours = Pattern.compile("\\d+ \\d+ \\*/(\\d+) \\* \\* \\*").matcher(schedule);
    assertTrue(everyHours.matches(), "the default schedule runs every N hours: " + schedule);
    return Duration.ofHours(2L * Integer.parseInt(everyHours.group(1)));
  }
}
