package io.driftguard.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.config.Settings;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.policy.ModePolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be checked in infra/ without a Bicep compiler: every file parses with the tree-sitter Bicep grammar
 * ({@link BicepTree}, which also gives the resource checks their properties), every file and module path exists,
 * every parameter is used, brackets balance, modules get the parameters they declare, API versions are ones confirmed to exist, the app settings
 * are the ones the code reads, the role and the event filter come from the data files, and the security properties
 * driftguard enforces on others hold for its own app.
 */
class BicepTemplateTest {

  static final Path INFRA = InfraContractTest.INFRA;

  /**
   * Resource types and API versions confirmed against the Bicep type definitions generated from the Azure REST API
   * specs (Azure/bicep-types-az). A new type or version must be confirmed the same way before it is added here.
   */
  /**
   * A subscription's diagnostic settings (the Activity Log's export) have no GA API version: 2016-09-01 is for resource
   * diagnostic settings only, and the template reference lists 2021-05-01-preview as the latest.
   */
  static final Set<String> PREVIEW_ONLY = Set.of("Microsoft.Insights/diagnosticSettings@2021-05-01-preview");

  static final Map<String, Set<String>> CONFIRMED_API_VERSIONS = Map.ofEntries(
      Map.entry("Microsoft.Resources/resourceGroups", Set.of("2024-03-01")),
      Map.entry("Microsoft.Web/serverfarms", Set.of("2024-11-01")),
      Map.entry("Microsoft.Web/sites", Set.of("2024-11-01")),
      Map.entry("Microsoft.Web/sites/config", Set.of("2024-11-01")),
      Map.entry("Microsoft.Web/sites/basicPublishingCredentialsPolicies", Set.of("2024-11-01")),
      Map.entry("Microsoft.Storage/storageAccounts", Set.of("2024-01-01")),
      Map.entry("Microsoft.Storage/storageAccounts/blobServices", Set.of("2024-01-01")),
      Map.entry("Microsoft.Storage/storageAccounts/blobServices/containers", Set.of("2024-01-01")),
      Map.entry("Microsoft.OperationalInsights/workspaces", Set.of("2023-09-01")),
      Map.entry("Microsoft.OperationalInsights/workspaces/tables", Set.of("2023-09-01")),
      Map.entry("Microsoft.Insights/components", Set.of("2020-02-02")),
      Map.entry("Microsoft.Insights/dataCollectionRules", Set.of("2023-03-11")),
      Map.entry("Microsoft.Insights/scheduledQueryRules", Set.of("2023-12-01")),
      Map.entry("Microsoft.Insights/actionGroups", Set.of("2023-01-01")),
      Map.entry("Microsoft.Insights/metricAlerts", Set.of("2018-03-01")),
      // learn.microsoft.com/azure/templates/microsoft.insights/activitylogalerts; the anyOf conditions are in 2020-10-01
      // (the Az.Monitor models Api20201001.AlertRuleAnyOfOrLeafCondition).
      Map.entry("Microsoft.Insights/activityLogAlerts", Set.of("2020-10-01")),
      Map.entry("Microsoft.Insights/workbooks", Set.of("2023-06-01")),
      Map.entry("Microsoft.Insights/diagnosticSettings", Set.of("2021-05-01-preview")),
      Map.entry("Microsoft.EventGrid/systemTopics", Set.of("2025-02-15")),
      Map.entry("Microsoft.EventGrid/systemTopics/eventSubscriptions", Set.of("2025-02-15")),
      Map.entry("Microsoft.Authorization/roleDefinitions", Set.of("2022-04-01")),
      // learn.microsoft.com/azure/templates/microsoft.network/2023-11-01/privateendpoints (and privatednszonegroups)
      Map.entry("Microsoft.Network/privateEndpoints", Set.of("2023-11-01")),
      Map.entry("Microsoft.Network/privateEndpoints/privateDnsZoneGroups", Set.of("2023-11-01")),
      Map.entry("Microsoft.Authorization/roleAssignments", Set.of("2022-04-01")));

  /** Built-in roles far broader than driftguard needs: Owner, Contributor, User Access Administrator, Website Contributor. */
  static final List<String> BROAD_BUILT_IN_ROLES = List.of("8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
      "b24988ac-6180-42a0-ab88-20f7382dd24c", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
      "de139f84-1756-47ae-9be6-808fbbe84772");

  static final Pattern LOAD = Pattern.compile("load(?:Json|Text|Yaml|FileAsBase64)Content\\(\\s*'([^']+)'");
  static final Pattern MODULE = Pattern.compile("(?m)^\\s*module\\s+(\\w+)\\s+'([^']+)'");
  static final Pattern PARAM = Pattern.compile("(?m)^\\s*param\\s+(\\w+)\\s+(\\w+)([^\\n]*)$");
  static final Pattern OUTPUT = Pattern.compile("(?m)^\\s*output\\s+(\\w+)\\s");
  static final Pattern API_VERSION =
      Pattern.compile("'((?:Microsoft|microsoft)\\.[A-Za-z]+/[A-Za-z/]+)@(\\d{4}-\\d{2}-\\d{2}(?:-[a-z]+)?)'");
  static final Pattern SETTING_KEY = Pattern.compile("(?m)^\\s*(DRIFTGUARD_\\w+|AzureWebJobsStorage\\w*|FUNCTIONS_\\w+)\\s*:");
  static final Pattern DRIFTGUARD_NAME = Pattern.compile("DRIFTGUARD_[A-Z0-9_]*");
  static final String RULE_PREFIX = "DRIFTGUARD_RULE_";
  static final String RESOURCE_ID_COLUMN = "TargetResourceId";

  // ---------------------------------------------------------------- every .bicep file

  @TestFactory
  Stream<DynamicTest> everyBicepFileIsWellFormed() {
    Map<Path, List<String>> syntaxErrors = BicepTree.syntaxErrors(bicepFiles());
    return bicepFiles().stream().flatMap(file -> Stream.of(
        DynamicTest.dynamicTest(name(file) + ": no syntax error (tree-sitter-bicep)",
            () -> assertEquals(List.of(), syntaxErrors.get(file))),
        DynamicTest.dynamicTest(name(file) + ": brackets balance outside strings and comments",
            () -> assertEquals(List.of(), Bicep.of(file).problems)),
        DynamicTest.dynamicTest(name(file) + ": for-expressions only where Bicep allows them (BCP138)",
            () -> forExpressionsOnlyAsDeclarationOrPropertyValues(file)),
        DynamicTest.dynamicTest(name(file) + ": every loaded file and module exists",
            () -> everyPathExists(file)),
        DynamicTest.dynamicTest(name(file) + ": every parameter is used",
            () -> everyParameterIsUsed(file)),
        DynamicTest.dynamicTest(name(file) + ": every module gets exactly parameters it declares, required ones included",
            () -> everyModuleCallMatchesItsParameters(file)),
        DynamicTest.dynamicTest(name(file) + ": only confirmed, GA API versions",
            () -> onlyConfirmedApiVersions(file))));
  }

  @Test
  void theSyntaxCheckFindsErrorsAndMissingTokens(@TempDir Path dir) throws IOException {
    Path broken = Files.writeString(dir.resolve("broken.bicep"),
        "param x string =\nresource a 'Microsoft.Web/sites@2024-11-01' = {\n  name: 'a'\n  properties: { b: [ }\n}\n");
    List<String> errors = BicepTree.syntaxErrors(List.of(broken)).get(broken);
    assertTrue(errors.stream().anyMatch(error -> error.contains(":2:1: ERROR")), "the dangling '=': " + errors);
    assertTrue(errors.stream().anyMatch(error -> error.contains("MISSING ]")), "the unclosed '[': " + errors);
  }

  void forExpressionsOnlyAsDeclarationOrPropertyValues(Path file) {
    Matcher loop = Pattern.compile("\\[\\s*for\\b").matcher(Bicep.of(file).code);
    while (loop.find()) {
      String before = Bicep.of(file).code.substring(0, loop.start()).stripTrailing();
      assertTrue(before.endsWith("=") || before.endsWith(":"),
          name(file) + ": a for-expression inside an expression (only a variable, resource, module, output or property"
              + " value may be one), at offset " + loop.start());
    }
  }

  void everyPathExists(Path file) {
    Bicep bicep = Bicep.of(file);
    Matcher loads = LOAD.matcher(bicep.noComments);
    while (loads.find()) {
      Path loaded = file.getParent().resolve(loads.group(1)).normalize();
      assertTrue(Files.isRegularFile(loaded), name(file) + " loads " + loads.group(1) + ", which does not exist");
    }
    for (Map.Entry<String, String> module : bicep.modules().entrySet()) {
      String path = module.getValue();
      assertTrue(path.endsWith(".bicep"), "module " + module.getKey() + " is not a local .bicep file: " + path);
      assertTrue(Files.isRegularFile(file.getParent().resolve(path)), "module " + module.getKey() + ": no " + path);
    }
  }

  void everyParameterIsUsed(Path file) {
    Bicep bicep = Bicep.of(file);
    for (String param : bicep.params().keySet()) {
      // A use: the name as an identifier, not after a dot (a property) and not as an object key at a line start.
      Matcher uses = Pattern.compile("(?<![\\w.$])" + param + "\\b").matcher(bicep.code);
      int count = 0;
      while (uses.find()) {
        boolean key = bicep.code.substring(uses.end()).matches("(?s)^\\s*:.*")
            && bicep.code.substring(0, uses.start()).matches("(?s).*(^|\\n)\\s*$");
        if (!key) {
          count++;
        }
      }
      assertTrue(count >= 2, name(file) + ": parameter " + param + " is declared but never used");
    }
  }

  void everyModuleCallMatchesItsParameters(Path file) {
    Bicep bicep = Bicep.of(file);
    for (Map.Entry<String, Set<String>> call : bicep.moduleParams().entrySet()) {
      String symbol = call.getKey();
      Path target = file.getParent().resolve(bicep.modules().get(symbol));
      Map<String, Boolean> declared = Bicep.of(target).params();
      Set<String> passed = call.getValue();
      for (String param : passed) {
        assertTrue(declared.containsKey(param), name(file) + ": module " + symbol + " passes " + param + ", which "
            + name(target) + " does not declare");
      }
      declared.forEach((param, required) -> assertTrue(!required || passed.contains(param),
          name(file) + ": module " + symbol + " does not pass the required parameter " + param));
    }
  }

  void onlyConfirmedApiVersions(Path file) {
    Matcher versions = API_VERSION.matcher(Bicep.of(file).noComments);
    int found = 0;
    while (versions.find()) {
      found++;
      String type = versions.group(1);
      String version = versions.group(2);
      assertTrue(version.matches("\\d{4}-\\d{2}-\\d{2}") || PREVIEW_ONLY.contains(type + "@" + version),
          name(file) + ": " + type + "@" + version + " is not a GA version");
      assertTrue(CONFIRMED_API_VERSIONS.getOrDefault(type, Set.of()).contains(version),
          name(file) + ": " + type + "@" + version + " is not among the confirmed API versions " + CONFIRMED_API_VERSIONS);
    }
    assertTrue(found > 0 || !Bicep.of(file).code.contains("resource "), name(file) + ": resources without API versions?");
  }

  // ---------------------------------------------------------------- app settings against the code

  @Test
  void everyDriftguardSettingTheTemplatesWriteIsOneTheCodeReads() {
    Set<String> known = new TreeSet<>(Settings.names());
    Set<String> mentioned = new TreeSet<>();
    for (Path file : bicepFiles()) {
      Matcher names = DRIFTGUARD_NAME.matcher(Bicep.of(file).noComments);
      while (names.find()) {
        mentioned.add(names.group());
      }
    }
    assertFalse(mentioned.isEmpty());
    for (String name : mentioned) {
      assertTrue(known.contains(name) || name.equals(RULE_PREFIX),
          name + " appears in the templates but the code does not read it; known: " + known);
    }
  }

  @Test
  void everySettingTheCodeReadsIsWrittenExceptPerControlOnesWhichComeFromControlModes() {
    Set<String> written = writtenSettings();
    Set<String> missing = new TreeSet<>();
    for (String name : Settings.names()) {
      if (!name.startsWith(RULE_PREFIX) && !written.contains(name)) {
        missing.add(name);
      }
    }
    assertEquals(Set.of(), missing, "settings the code reads that the templates do not write");
    assertTrue(written.stream().noneMatch(name -> name.startsWith(RULE_PREFIX)),
        "per-control settings are written only from the controlModes parameter, not fixed in the template");
    // The template derives DRIFTGUARD_RULE_<ID> from each controlModes key the way ModePolicy.settingName does.
    assertTrue(Pattern.compile("toObject\\(items\\(controlModes\\),\\s*(\\w+)\\s*=>\\s*'DRIFTGUARD_RULE_\\$\\{toUpper\\("
            + "replace\\(\\1\\.key, '-', '_'\\)\\)\\}'").matcher(text("main.bicep")).find(),
        "main.bicep must name per-control settings 'DRIFTGUARD_RULE_${toUpper(replace(key, '-', '_'))}'");
    for (String id : ControlCatalog.ids()) {
      assertEquals(RULE_PREFIX + id.toUpperCase(Locale.ROOT).replace('-', '_'), ModePolicy.settingName(id));
      assertTrue(Settings.names().contains(ModePolicy.settingName(id)));
    }
  }

  @Test
  void theDefaultsTheTemplateWritesAreTheCodesDefaults() {
    String main = Bicep.of(INFRA.resolve("main.bicep")).noComments;
    Map<String, String> paramDefaults = literals(main, "(?m)^param\\s+(\\w+)\\s+\\w+\\s*=\\s*(.+)$");
    Matcher arm = Pattern.compile("var armDefaults = \\{([^}]*)}").matcher(main);
    assertTrue(arm.find(), "main.bicep has armDefaults");
    Map<String, String> armDefaults = literals(arm.group(1), "(?m)^\\s*(\\w+):\\s*(.+)$");
    Map<String, String> environment = new LinkedHashMap<>();
    Matcher setting = Pattern.compile("(?m)^\\s*(DRIFTGUARD_\\w+):\\s*(?:string\\()?([\\w.]+)\\)?\\s*$").matcher(main);
    while (setting.find()) {
      String expression = setting.group(2);
      String value = expression.startsWith("arm.") ? armDefaults.get(expression.substring(4)) : paramDefaults.get(expression);
      if (value != null) {
        environment.put(setting.group(1), value);
      }
    }
    // Everything but what only a deployment knows (subscriptions, identity, cloud, DCR) has a default in the template.
    Set<String> deploymentSpecific = Set.of(Settings.SUBSCRIPTIONS, Settings.SELF_OBJECT_ID, Settings.ARM_ENDPOINT,
        Settings.ALERT_ENDPOINT, Settings.ALERT_RULE_ID, Settings.ALERT_STREAM, Settings.ACTIVITY_LOG_WORKSPACE);
    Set<String> expected = new TreeSet<>(writtenSettings());
    expected.removeIf(name -> !name.startsWith("DRIFTGUARD_") || deploymentSpecific.contains(name));
    assertEquals(expected, new TreeSet<>(environment.keySet()), "settings whose template default could not be read");
    assertEquals(Settings.from(Map.of()), Settings.from(environment),
        "the template's defaults differ from the code's: " + environment);
  }

  /** Name to literal value ('text' or a number) of the matches of a two-group pattern; other expressions are left out. */
  static Map<String, String> literals(String text, String pattern) {
    Map<String, String> values = new LinkedHashMap<>();
    Matcher matcher = Pattern.compile(pattern).matcher(text);
    while (matcher.find()) {
      String value = matcher.group(2).trim();
      if (value.matches("'[^']*'")) {
        values.put(matcher.group(1), value.substring(1, value.length() - 1));
      } else if (value.matches("-?\\d+")) {
        values.put(matcher.group(1), value);
      }
    }
    return values;
  }

  @Test
  void hostStorageIsIdentityBasedWithoutConnectionStringsOrKeys() {
    Set<String> written = writtenSettings();
    assertTrue(written.contains(Settings.STORAGE_ACCOUNT), "AzureWebJobsStorage__accountName must be set");
    assertFalse(written.contains(Settings.STORAGE_CONNECTION), "AzureWebJobsStorage (a connection string) must not be set");
    assertTrue(written.contains(Settings.STORAGE_QUEUE_URI),
        "the reconcile timer queues per-subscription sweeps at the account's own queue endpoint (sovereign clouds too)");
    assertTrue(text("modules/function-app.bicep").contains("output queueServiceUri string = storage.properties.primaryEndpoints.queue"),
        "the queue endpoint comes from the account, not from a built string");
    assertTrue(text("modules/function-app.bicep").contains("'974c5e8b-45b9-4653-ba55-5f855dd0fb88'"),
        "Storage Queue Data Contributor on the account: the timer sends and the queue trigger receives sweep messages");
    assertFalse(written.contains("FUNCTIONS_WORKER_RUNTIME") || written.contains("FUNCTIONS_EXTENSION_VERSION"),
        "Flex Consumption takes the runtime from functionAppConfig, not from app settings");
    for (Path file : bicepFiles()) {
      String code = Bicep.of(file).noComments;
      assertFalse(code.contains("listKeys(") || code.contains("AccountKey="), name(file) + " uses a storage key");
    }
    String storage = text("modules/function-app.bicep");
    assertContains(storage, "allowSharedKeyAccess: false", "allowBlobPublicAccess: false", "minimumTlsVersion: 'TLS1_2'",
        "supportsHttpsTrafficOnly: true", "type: 'SystemAssignedIdentity'");
  }

  // ---------------------------------------------------------------- the function app

  @Test
  void driftguardsOwnAppIsHardenedTheWayItHardensOthers() {
    String app = text("modules/function-app.bicep");
    assertContains(app, "httpsOnly: true", "ftpsState: 'Disabled'", "remoteDebuggingEnabled: false", "http20Enabled: true",
        "kind: 'functionapp,linux'", "name: 'FC1'", "tier: 'FlexConsumption'", "type: 'SystemAssigned'",
        "name: 'java'", "version: '17'");
    // TLS: a literal of at least 1.2, or a parameter that only allows 1.2 or 1.3.
    for (String property : List.of("minTlsVersion", "scmMinTlsVersion")) {
      Matcher tls = Pattern.compile(property + ":\\s*(\\S+)").matcher(app);
      assertTrue(tls.find(), property + " is not set");
      String value = tls.group(1);
      List<String> allowed = value.startsWith("'") ? List.of(value.replace("'", "")) : allowedValues(app, value);
      assertFalse(allowed.isEmpty(), property + ": " + value + " has no @allowed list");
      allowed.forEach(version -> assertTrue(version.equals("1.2") || version.equals("1.3"), property + " allows " + version));
    }
    assertTrue(Pattern.compile("param minTls string = '1\\.2'").matcher(text("main.bicep")).find(),
        "minTls defaults to 1.2");
    // Basic-auth publishing off for FTP and SCM.
    assertEquals(2, count(app, "'Microsoft.Web/sites/basicPublishingCredentialsPolicies@"));
    assertContains(app, "name: 'ftp'", "name: 'scm'");
    assertEquals(2, count(app, "allow: false"));
  }

  @Test
  void theEventGridFunctionHasAnAlwaysReadyInstanceAndIsTheEventSubscriptionsEndpoint() throws IOException {
    String function = functionName();
    String app = text("modules/function-app.bicep");
    assertTrue(Pattern.compile("alwaysReady:\\s*\\[\\s*\\{\\s*name: 'function:" + function + "'\\s*instanceCount: 1")
        .matcher(app).find(), "one always-ready instance for function:" + function);
    assertTrue(text("main.bicep").contains("/functions/" + function + "'"), "the event subscription targets " + function);
  }

  /**
   * The instance size is the one BENCHMARKS.md measured and chose ("Memory and instance size"), a parameter of
   * main.bicep that reaches the plan's scaleAndConcurrency, and only one of Flex Consumption's three sizes.
   */
  @Test
  void instancesHaveTheMemorySizeTheBenchmarksChose() throws IOException {
    String main = text("main.bicep");
    String app = text("modules/function-app.bicep");
    Matcher chosen = Pattern.compile("param instanceMemoryMB int = (\\d+)").matcher(main);
    assertTrue(chosen.find(), "main.bicep declares instanceMemoryMB with a default");
    assertEquals("512", chosen.group(1), "the size BENCHMARKS.md chose");
    assertTrue(Files.readString(INFRA.resolve("../BENCHMARKS.md"))
        .contains("`instanceMemoryMB` defaults to " + chosen.group(1) + " MB"), "BENCHMARKS.md names the default");
    assertContains(main, "instanceMemoryMB: instanceMemoryMB");
    assertTrue(Pattern.compile("scaleAndConcurrency: \\{[^}]*instanceMemoryMB: instanceMemoryMB").matcher(app).find(),
        "the plan's instances take the parameter");
    for (String bicep : List.of(main, app)) {
      assertTrue(Pattern.compile("@allowed\\(\\[\\s*512\\s+2048\\s+4096\\s*\\]\\)\\s*@description\\((?:[^()']|'(?:[^'\\\\]|\\\\.)*')*\\)"
          + "\\s*param instanceMemoryMB int").matcher(bicep).find(), "only Flex Consumption's sizes are allowed");
    }
  }

  /**
   * Without a location ARM answers "The parameter location has an invalid value" (open bicep-types-az issues #1317,
   * #1504, #1527, #1529, #1571); the type definition lacks the property, so its warning (BCP187) is silenced on the line.
   */
  @Test
  void publishingCredentialPoliciesHaveALocationWithTheTypeWarningSilenced() {
    List<BicepTree.Resource> policies = BicepTree.resources(INFRA.resolve("modules/function-app.bicep"),
        "Microsoft.Web/sites/basicPublishingCredentialsPolicies");
    assertEquals(2, policies.size());
    for (BicepTree.Resource policy : policies) {
      assertEquals("location", policy.get("location"), policy + ": the app's location");
      assertTrue(policy.diagnostics().getOrDefault("location", "").startsWith("#disable-next-line BCP187"),
          policy + ": BCP187 silenced on location: " + policy.diagnostics());
    }
  }

  // ---------------------------------------------------------------- least privilege

  @Test
  void theRoleIsDerivedFromTheDocumentCatalogNotCopied() throws IOException {
    assertTrue(loads("main.bicep", "documents.json"));
    assertTrue(loads("modules/role-management-group.bicep", "documents.json"));
    assertTrue(Pattern.compile("(?s)\\nmodule role 'modules/role-definition\\.bicep'(?:(?!\\n}).)*\\n    actions: roleActions\\n")
        .matcher(text("main.bicep")).find(), "main.bicep's role grants the actions derived from the documents");
    assertTrue(text("modules/role-management-group.bicep").contains("actions: roleActions\n"));
    for (String role : List.of("modules/role-definition.bicep", "modules/role-management-group.bicep")) {
      assertContains(text(role), "type: 'CustomRole'", "notActions: []", "dataActions: []");
    }
    List<String> literals = new ArrayList<>(InfraContractTest.roleActions("main.bicep"));
    literals.addAll(InfraContractTest.denied());
    literals.addAll(InfraContractTest.texts(BicepTree.evaluate(INFRA.resolve("main.bicep"), "handledOperations")));
    for (Path file : bicepFiles()) {
      String code = Bicep.of(file).noComments;
      for (String literal : literals) {
        if (literal.contains("/")) { // the bare wildcard '*' is also a dimension value
          assertFalse(code.contains(literal), name(file) + " copies " + literal + " instead of deriving it");
        }
      }
      for (String role : BROAD_BUILT_IN_ROLES) {
        assertFalse(code.contains(role), name(file) + " assigns a broad built-in role " + role);
      }
    }
  }

  @Test
  void everyRoleAssignmentIsToAServicePrincipalOnANarrowScope() {
    String alerting = text("modules/alerting.bicep");
    assertTrue(alerting.contains("'3913510d-42f4-4e42-8a64-420c390055eb'"), "Monitoring Metrics Publisher");
    assertTrue(Pattern.compile("roleAssignments@[\\d-]+' = \\{\\s*name: [^\\n]+\\s*scope: dcr\\b").matcher(alerting).find(),
        "Monitoring Metrics Publisher is assigned on the DCR only");
    assertTrue(Pattern.compile("scope: storage\\b").matcher(text("modules/storage-access.bicep")).find(),
        "storage roles on driftguard's own account");
    assertTrue(Pattern.compile("scope: container\\b").matcher(text("modules/dead-letter-access.bicep")).find(),
        "dead-letter writers on the dead-letter container only");
    for (Path file : bicepFiles()) {
      String code = Bicep.of(file).noComments;
      int assignments = count(code, "'Microsoft.Authorization/roleAssignments@");
      assertEquals(assignments, count(code, "principalType: 'ServicePrincipal'"),
          name(file) + ": every role assignment names principalType ServicePrincipal");
    }
  }

  /**
   * Dead letters are the record of writes driftguard never evaluated: they live in a storage account of their own, on
   * which driftguard's identity holds no role, so a subverted function can neither read, rewrite nor delete them.
   */
  @Test
  void deadLettersLiveInAnAccountOnWhichDriftguardsIdentityHoldsNoRole() {
    Path deadLetters = INFRA.resolve("modules/dead-letter-storage.bicep");
    assertTrue(Files.isRegularFile(deadLetters), "the dead-letter account has a module of its own");
    for (Path file : bicepFiles()) {
      boolean declaresDeadLetters = BicepTree.resources(file, "Microsoft.Storage/storageAccounts/blobServices/containers")
          .stream().anyMatch(container -> container.get("name").toLowerCase(Locale.ROOT).contains("deadletter"));
      assertEquals(file.equals(deadLetters), declaresDeadLetters, name(file) + ": where the dead-letter container is");
    }
    assertEquals(List.of(), BicepTree.resources(deadLetters, "Microsoft.Authorization/roleAssignments"));
    assertContains(text("modules/dead-letter-storage.bicep"), "allowSharedKeyAccess: false", "allowBlobPublicAccess: false",
        "minimumTlsVersion: 'TLS1_2'", "publicAccess: 'None'");
    assertContains(text("main.bicep"), "deadLetterStorageAccountName: deadLetterStorage.outputs.storageAccountName",
        "deadLetterContainerName: deadLetterStorage.outputs.containerName",
        "deadLetterStorageAccountId: deadLetterStorage.outputs.storageAccountId");
    assertContains(text("modules/target-batch.bicep"), "storageAccountName: deadLetterStorageAccountName",
        "containerName: deadLetterContainerName", "deadLetterStorageAccountId: deadLetterStorageAccountId",
        "scope: resourceGroup(deadLetterResourceGroupName)");
    assertTrue(Pattern.compile("storageAccountName: storage\\.name\\s+principalId: site\\.identity\\.principalId")
        .matcher(text("modules/function-app.bicep")).find(), "driftguard's storage roles: on its own account only");
  }

  /** A recreated identity gets a new principal id: its assignment must get a new name, not collide with the old one. */
  @Test
  void everyRoleAssignmentNameIncludesThePrincipalId() {
    int assignments = 0;
    for (Path file : bicepFiles()) {
      for (BicepTree.Resource assignment : BicepTree.resources(file, "Microsoft.Authorization/roleAssignments")) {
        assignments++;
        String name = assignment.get("name");
        assertTrue(name.matches("guid\\(.*\\bprincipalId\\b.*\\)"), name(file) + " " + assignment + ": name " + name);
        assertTrue(name.contains(assignment.get("properties.principalId")),
            assignment + ": the name's principal is the one assigned: " + name);
      }
    }
    assertTrue(assignments >= 5, "role assignments found: " + assignments);
  }

  /**
   * Teams without subscription rights watch a resource group: its own system topic (Microsoft.Resources.ResourceGroups,
   * source the group), the custom role assignable and assigned at the group, the event subscription and dead-letter
   * access like a subscription's.
   */
  @Test
  void aResourceGroupCanBeWatchedThroughItsOwnSystemTopic() {
    BicepTree.Resource topic = BicepTree.resources(INFRA.resolve("modules/system-topic.bicep"),
        "Microsoft.EventGrid/systemTopics").get(0);
    assertEquals("watchResourceGroup ? 'Microsoft.Resources.ResourceGroups' : 'Microsoft.Resources.Subscriptions'",
        topic.get("properties.topicType"));
    assertEquals("watchResourceGroup ? resourceGroup().id : subscription().id", topic.get("properties.source"));
    Path group = INFRA.resolve("modules/target-resource-group.bicep");
    assertTrue(text("modules/target-resource-group.bicep").contains("targetScope = 'resourceGroup'"));
    assertTrue(Pattern.compile("module topic 'system-topic.bicep' = \\{[^}]*watchResourceGroup: true", Pattern.DOTALL)
        .matcher(text("modules/target-resource-group.bicep")).find(), "the group's module deploys a group topic");
    assertTrue(Pattern.compile("watchResourceGroup: false").matcher(text("modules/target-subscription.bicep")).find(),
        "the subscription's module deploys a subscription topic");
    List<BicepTree.Resource> assignments = BicepTree.resources(group, "Microsoft.Authorization/roleAssignments");
    assertEquals(1, assignments.size());
    assertEquals(null, assignments.get(0).get("scope"), "assigned at the group the module is deployed to");
    assertEquals("guid(resourceGroup().id, principalId, roleDefinitionGuid)", assignments.get(0).get("name"));

    String main = text("main.bicep");
    assertTrue(main.contains("param targetResourceGroups array = []"), "resource groups are an option");
    assertContains(main, "resourceGroups: take(skip(watchedGroups, batch * targetBatchSize), targetBatchSize)",
        "'/subscriptions/${g.subscriptionId}/resourceGroups/${g.resourceGroup}'");
    String batch = text("modules/target-batch.bicep");
    assertContains(batch, "module targetGroups 'target-resource-group.bicep' = [for (group, i) in resourceGroups: {",
        "scope: resourceGroup(group.subscriptionId, group.resourceGroup)");
    assertTrue(Pattern.compile("(?s)var eventSources = concat\\(map\\(subscriptionIds, .*?\\}\\), "
        + "map\\(resourceGroups, ").matcher(batch).find(), "the groups' topics are event sources too");
    assertEquals(2, count(batch, "in eventSources: "), "dead-letter access and event subscription for every topic");
  }

  /**
   * A subscription or resource group holds one system topic per source, and many have one already: deploy.sh lists
   * them (existingTopics), and a target whose topic is not the install's own references it (an existing resource) and
   * gets only driftguard's event subscription, dead-letter access and alerts, never a second topic.
   */
  @Test
  void anExistingSystemTopicIsReferencedInsteadOfCreated() {
    String main = text("main.bicep");
    assertContains(main, "param existingTopics array = []",
        "t => !(t.installTag =~ installId && (last(split(t.id, '/')) =~ systemTopicName || last(split(t.id, '/')) =~ resourceGroupTopicName))",
        "existingTopics: reusedTopics", "output reusedTopics array = ");
    Path topicFile = INFRA.resolve("modules/system-topic.bicep");
    String topic = text("modules/system-topic.bicep");
    assertContains(topic, "param existingTopic object = {}", "var reuse = !empty(existingTopic)",
        "resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = if (!reuse) {",
        "resource foundTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {",
        "scope: resourceGroup(reuse ? existingTopic.resourceGroup : resourceGroup().name)",
        "var topicId = reuse ? foundTopic.id : topic.id",
        "output principalId string = reuse ? foundTopic.identity.principalId : topic.identity.principalId",
        "output id string = topicId");
    assertEquals("topicId", BicepTree.resources(topicFile, "Microsoft.Insights/metricAlerts").get(0).get("properties.scopes.0"),
        "the dead-letter alert watches whichever topic is used");
    for (String target : List.of("modules/target-subscription.bicep", "modules/target-resource-group.bicep")) {
      assertContains(text(target), "param existingTopic object = {}", "existingTopic: existingTopic");
    }
    String batch = text("modules/target-batch.bicep");
    assertContains(batch, "param existingTopics object",
        "existingTopic: contains(existingTopics, subscriptionId) ? existingTopics[subscriptionId] : {}",
        "existingTopic: contains(existingTopics, toLower(group.id)) ? existingTopics[toLower(group.id)] : {}",
        "resourceGroup: contains(existingTopics, s) ? existingTopics[s].resourceGroup : eventsResourceGroupName",
        "topic: contains(existingTopics, s) ? existingTopics[s].name : systemTopicName",
        "resourceGroup: contains(existingTopics, toLower(g.id)) ? existingTopics[toLower(g.id)].resourceGroup : g.resourceGroup",
        "topic: contains(existingTopics, toLower(g.id)) ? existingTopics[toLower(g.id)].name : resourceGroupTopicName");
  }

  /**
   * A landing zone may forbid public storage: with privateNetworking the app joins the network team's subnet and reaches
   * its storage through private endpoints (blob, queue, table) registered in their private DNS zones, and the account
   * refuses public traffic. Off by default, and then nothing changes: no endpoint, public access as before, no subnet.
   */
  @Test
  void privateNetworkingIsOffByDefaultAndThenPutsTheAppsStorageBehindPrivateEndpoints() {
    assertContains(text("main.bicep"), "param privateNetworking object = {}");
    assertTrue(HealthAndTamperAlertsTest.moduleCall(text("main.bicep"), "app", "modules/function-app.bicep")
        .contains("privateNetworking: privateNetworking"), "the app module gets it");
    Path app = INFRA.resolve("modules/function-app.bicep");
    assertContains(text("modules/function-app.bicep"), "param privateNetworking object = {}",
        "var privateStorage = !empty(privateNetworking)",
        "var privateStorageServices = privateStorage ? [\n  'blob'\n  'queue'\n  'table'\n] : []",
        "= [for service in privateStorageServices: {", "= [for (service, i) in privateStorageServices: {");
    BicepTree.Resource storage = BicepTree.resources(app, "Microsoft.Storage/storageAccounts").get(0);
    assertEquals("privateStorage ? 'Disabled' : 'Enabled'", storage.get("properties.publicNetworkAccess"));
    BicepTree.Resource site = BicepTree.resources(app, "Microsoft.Web/sites").get(0);
    assertEquals("privateStorage ? privateNetworking.integrationSubnetId : null", site.get("properties.virtualNetworkSubnetId"));
    assertEquals("privateStorage ? true : null", site.get("properties.vnetRouteAllEnabled"));
    List<BicepTree.Resource> endpoints = BicepTree.resources(app, "Microsoft.Network/privateEndpoints");
    assertEquals(1, endpoints.size());
    BicepTree.Resource endpoint = endpoints.get(0);
    assertEquals("privateNetworking.privateEndpointSubnetId", endpoint.get("properties.subnet.id"));
    assertEquals("storage.id", endpoint.get("properties.privateLinkServiceConnections.0.properties.privateLinkServiceId"));
    assertEquals("service", endpoint.get("properties.privateLinkServiceConnections.0.properties.groupIds.0"));
    assertEquals("location", endpoint.get("location"), "the network team's VNet is in driftguard's region");
    BicepTree.Resource zones = BicepTree.resources(app, "Microsoft.Network/privateEndpoints/privateDnsZoneGroups").get(0);
    assertEquals("privateNetworking.privateDnsZoneIds[service]",
        zones.get("properties.privateDnsZoneConfigs.0.properties.privateDnsZoneId"));
    assertEquals("privateStorageEndpoints[i]", zones.get("parent"));
    assertContains(text("README.md"), "### Private networking", "`privateNetworking`", "Microsoft.App/environments",
        "privatelink.blob.core.windows.net", "privatelink.queue.core.windows.net", "privatelink.table.core.windows.net");
  }

  /**
   * ARM refuses a template of more than 800 resources (copies included): the targets deploy in batches, nested
   * deployments of their own, each under the limit whatever the number of subscriptions, and ids count once whatever
   * their case.
   */
  @Test
  void theTargetsDeployInBatchesThatStayUnderArmsResourceLimit() {
    String main = Bicep.of(INFRA.resolve("main.bicep")).noComments;
    Matcher size = Pattern.compile("var targetBatchSize = (\\d+)").matcher(main);
    assertTrue(size.find(), "main.bicep sets the batch size");
    int perBatch = Integer.parseInt(size.group(1));
    assertContains(main, "var targetIds = union(map(targetSubscriptionIds, s => toLower(s)), [])",
        "var targetBatchCount = (max(length(targetIds), length(watchedGroups)) + targetBatchSize - 1) / targetBatchSize",
        "module targetBatches 'modules/target-batch.bicep' = [for batch in range(0, targetBatchCount): {",
        "subscriptionIds: take(skip(targetIds, batch * targetBatchSize), targetBatchSize)",
        "resourceGroups: take(skip(watchedGroups, batch * targetBatchSize), targetBatchSize)",
        "output targetSubscriptionIds array = targetIds");
    assertFalse(Pattern.compile("= \\[for [^\\]]* in (targetSubscriptionIds|targetResourceGroups|targetIds|watchedGroups):")
        .matcher(main).find(), "main.bicep deploys no target itself, only batches");
    // A batch's resources: one per target for a loop over the batch's subscriptions or groups, two for a loop over
    // their topics (eventSources), one for anything else.
    String batch = Bicep.of(INFRA.resolve("modules/target-batch.bicep")).noComments;
    Matcher declaration = Pattern.compile("(?m)^(?:resource|module) \\w+ '[^']+' = (\\[for [^\\]]*? in (\\w+):)?").matcher(batch);
    int resources = 0;
    while (declaration.find()) {
      String loop = declaration.group(2);
      resources += loop == null ? 1 : loop.equals("eventSources") ? 2 * perBatch : perBatch;
      assertTrue(loop == null || List.of("subscriptionIds", "resourceGroups", "eventSources").contains(loop), loop);
    }
    assertTrue(resources > 4 * perBatch && resources <= 800, "a batch holds up to " + resources + " resources");
  }

  /** The resource types that take tags; every other confirmed type (role assignments, child resources) does not. */
  static final Set<String> TAGGABLE = Set.of("Microsoft.Resources/resourceGroups", "Microsoft.Storage/storageAccounts",
      "Microsoft.OperationalInsights/workspaces", "Microsoft.Insights/components", "Microsoft.Web/serverfarms",
      "Microsoft.Web/sites", "Microsoft.Insights/dataCollectionRules", "Microsoft.Insights/actionGroups",
      "Microsoft.Insights/scheduledQueryRules", "Microsoft.Insights/metricAlerts", "Microsoft.Insights/activityLogAlerts",
      "Microsoft.Insights/workbooks", "Microsoft.EventGrid/systemTopics", "Microsoft.Network/privateEndpoints");

  /**
   * A landing zone's policies ask for tags: the tags parameter (with the install's own driftguard-install tag, which
   * wins) reaches every resource the install creates that takes tags.
   */
  @Test
  void everyResourceTheInstallCreatesCarriesTheTagsParameter() {
    String main = text("main.bicep");
    assertContains(main, "param tags object = {}", "var resourceTags = union(tags, installTag)");
    int tagged = 0;
    for (Path file : bicepFiles()) {
      String code = Bicep.of(file).noComments;
      for (BicepTree.Resource resource : BicepTree.resources(file)) {
        assertTrue(CONFIRMED_API_VERSIONS.containsKey(resource.type()), resource.type());
        boolean existing = Pattern.compile("resource " + resource.symbol() + " '[^']+' existing").matcher(code).find();
        if (TAGGABLE.contains(resource.type()) && !existing) {
          tagged++;
          assertEquals(file.getFileName().toString().equals("main.bicep") ? "resourceTags" : "tags", resource.get("tags"),
              name(file) + " " + resource + " carries the install's tags");
        }
      }
      if (!file.getFileName().toString().equals("main.bicep") && code.contains("tags: tags")) {
        assertTrue(Bicep.of(file).params().containsKey("tags"), name(file) + " takes the tags");
      }
    }
    assertTrue(tagged >= 14, "tagged resources: " + tagged);
  }

  // ---------------------------------------------------------------- Event Grid

  @Test
  void theEventFilterIsDerivedFromTheDocumentCatalog() {
    String main = text("main.bicep");
    assertTrue(Pattern.compile("includedEventTypes:\\s*deliveredEventTypes\\s").matcher(main).find());
    assertTrue(Pattern.compile("operationNames:\\s*handledOperations\\s").matcher(main).find());
    String subscription = text("modules/event-subscription.bicep");
    assertTrue(Pattern.compile("operatorType: 'StringIn'\\s*key: 'data\\.operationName'\\s*values: operationNames")
        .matcher(subscription).find(), "a StringIn filter on data.operationName with the loaded operation names");
    assertTrue(Pattern.compile("includedEventTypes: includedEventTypes").matcher(subscription).find());
    assertContains(subscription, "endpointType: 'AzureFunction'", "maxEventsPerBatch: 1", "maxDeliveryAttempts: 30",
        "eventTimeToLiveInMinutes: 1440", "deadLetterWithResourceIdentity:", "endpointType: 'StorageBlob'");
    assertContains(text("modules/system-topic.bicep"), "location: 'global'");
  }

  // ---------------------------------------------------------------- alerting

  private static final List<String> ALERT_QUERIES = List.of("alerts/driftguard-findings.kql",
      "alerts/driftguard-fixes.kql", "alerts/driftguard-exemptions.kql", "alerts/driftguard-failures.kql");

  @Test
  void alertingIsBuiltFromTheAlertsFiles() throws IOException {
    String alerting = text("modules/alerting.bicep");
    assertTrue(loads("modules/alerting.bicep", "alerts/findings-table.json"));
    assertTrue(loads("modules/alerting.bicep", "alerts/driftguard-findings.kql"));
    for (String query : ALERT_QUERIES) {
      assertTrue(loads("modules/alerting.bicep", query), query);
    }
    assertContains(alerting, "kind: 'Direct'", "dcr.properties.endpoints.logsIngestion", "dcr.properties.immutableId",
        "output streamName string = findingsTable.streamName", "plan: 'Analytics'");
    // No column starts with an underscore: _ResourceId is reserved, and nothing needs to write it.
    JsonNode table = InfraContractTest.read("alerts/findings-table.json");
    Set<String> types = Set.of("string", "int", "long", "real", "boolean", "datetime", "dynamic");
    table.get("columns").forEach(column -> {
      String name = column.get("name").asText();
      assertFalse(name.startsWith("_"), "a reserved column name: " + name);
      assertTrue(types.contains(column.get("type").asText()), name + ": DCR column type " + column.get("type"));
    });
    assertTrue(table.get("columns").findValuesAsText("name").contains(RESOURCE_ID_COLUMN), "rows carry " + RESOURCE_ID_COLUMN);
    assertFalse(table.has("derivedColumns"), "no column is derived by a transformation");
    // The alert dimensions, the resource-id column and the severity split need these columns in the queries' output.
    for (String query : ALERT_QUERIES) {
      String project = text(query).lines().filter(line -> line.trim().startsWith("| project")).findFirst().orElse("");
      for (String column : List.of(RESOURCE_ID_COLUMN, "Rule", "Severity")) {
        assertTrue(Pattern.compile("\\b" + column + "\\b").matcher(project).find(), query + " projects " + column);
      }
    }
  }

  /**
   * A log search alert scoped to a workspace fires on the workspace unless resourceIdColumn names the column holding
   * the resource: every rule points it at the ordinary TargetResourceId column (no transformation writes the reserved
   * _ResourceId, which arg_max(TimeGenerated, *) may not carry either) and splits per control.
   */
  @Test
  void everyLogAlertFiresOnTheAppThroughTheResourceIdColumnAndSplitsPerControl() {
    List<BicepTree.Resource> rules = queryRules();
    assertFalse(rules.isEmpty(), "no scheduledQueryRules");
    for (BicepTree.Resource rule : rules) {
      assertEquals("'" + RESOURCE_ID_COLUMN + "'", rule.get("properties.criteria.allOf.0.resourceIdColumn"),
          rule + ": the condition's resourceIdColumn");
      assertEquals("'LogAlert'", rule.get("kind"), rule.toString());
      List<String> dimensions = rule.properties().entrySet().stream()
          .filter(property -> property.getKey().matches("properties\\.criteria\\.allOf\\.0\\.dimensions(\\.\\d+)?\\.name"))
          .map(Map.Entry::getValue).toList();
      assertEquals(List.of("dimension"), dimensions,
          rule + ": split per the rule's dimensions (the resource-id column splits per app)");
    }
    for (Path file : bicepFiles()) {
      assertFalse(Bicep.of(file).noComments.contains("_ResourceId"), name(file) + " still depends on _ResourceId");
      BicepTree.resources(file, "Microsoft.Insights/dataCollectionRules").forEach(dcr ->
          assertTrue(dcr.properties().entrySet().stream().noneMatch(p -> p.getKey().endsWith("transformKql")),
              dcr + ": the rows go to the table as they are, without a transformation"));
    }
    for (String query : ALERT_QUERIES) {
      assertFalse(text(query).contains("_ResourceId"), query + " still depends on _ResourceId");
    }
  }

  /**
   * Rows follow a finding's life: the findings rule hears only the steps that open, change, remind of or end the
   * exemption of a finding (never a resolution); every query normalises the app's id, so one app is one alert target;
   * driftguard's own failures have a rule and may have an action group of their own; fixes notify only if asked.
   */
  @Test
  void theRulesFollowTheFindingsStateAndDriftguardsFailuresMayGoElsewhere() {
    assertContains(text("alerts/driftguard-findings.kql"), "| where State != \"resolved\" and Action in (");
    assertContains(text("alerts/driftguard-exemptions.kql"), "| where State != \"resolved\" and Action == \"exempted\"");
    assertContains(text("alerts/driftguard-failures.kql"), "Rule == \"driftguard\"");
    for (String query : ALERT_QUERIES) {
      assertContains(text(query), "| extend TargetResourceId = tolower(TargetResourceId)");
    }
    String alerting = Bicep.of(INFRA.resolve("modules/alerting.bicep")).noComments;
    assertContains(alerting, "param existingFailuresActionGroupId string",
        "var failuresActionGroupId = empty(existingFailuresActionGroupId) ? actionGroupId : existingFailuresActionGroupId",
        "query: trim(failuresQuery)\n    actionGroup: failuresActionGroupId", "rule.actionGroup",
        "var rules = concat(findingRules, exemptionRules, alertOnFixes ? fixRules : [])");
    assertEquals(4, Pattern.compile("actionGroup: actionGroupId\\n").matcher(alerting).results().count(),
        "findings, errors, exemptions and fixes notify the findings' group");
    assertContains(Bicep.of(INFRA.resolve("main.bicep")).noComments, "param alertOnFixes bool = false",
        "existingFailuresActionGroupId: existingFailuresActionGroupId");
  }

  /**
   * One alert per open finding, not per row, on documented behaviour rather than on how muted actions group alerts:
   * every rule is stateful (it notifies when an alert fires and when it resolves, never again in between), without
   * muteActionsDuration. Findings and exemptions look back 2 days (the most a log search alert may) for each finding's
   * latest row and split per control and notice; failures and fixes are events, split per control over 15 minutes.
   */
  @Test
  void everyRuleIsStatefulAndFindingsAreJudgedOnTheirLatestRow() {
    List<BicepTree.Resource> rules = queryRules();
    assertFalse(rules.isEmpty(), "no scheduledQueryRules");
    for (BicepTree.Resource rule : rules) {
      assertEquals("true", rule.get("properties.autoMitigate"), rule + ": stateful, one notification per alert");
      assertNull(rule.get("properties.muteActionsDuration"), rule + ": no dependence on muted actions");
      assertEquals(Duration.ofMinutes(5), duration(rule, "properties.evaluationFrequency"), rule.toString());
      assertEquals("rule.evaluation.windowSize", rule.get("properties.windowSize"), rule.toString());
      assertEquals("rule.evaluation.queryTimeRange", rule.get("properties.overrideQueryTimeRange"), rule.toString());
    }
    String alerting = Bicep.of(INFRA.resolve("modules/alerting.bicep")).noComments;
    assertEquals(List.of("P2D", "PT5M", "Rule", "Notice"), literals(objectVariable(alerting, "findingState")),
        "finding states: each finding's latest row over 2 days, per control and notice");
    assertEquals(List.of("PT15M", "PT15M", "Rule"), literals(objectVariable(alerting, "recentEvents")),
        "events: the last 15 minutes, per control");
    for (String name : List.of("findings-errors", "findings", "exemptions")) {
      assertContains(ruleEntry(alerting, name), "evaluation: findingState");
    }
    for (String name : List.of("failures", "fixes")) {
      assertContains(ruleEntry(alerting, name), "evaluation: recentEvents");
    }
    for (String query : List.of("alerts/driftguard-findings.kql", "alerts/driftguard-exemptions.kql")) {
      assertContains(text(query), "| summarize arg_max(TimeGenerated, *) by TargetResourceId, Rule\n",
          "| extend Notice = tostring(NotifiedAt)\n");
    }
  }

  /** The body of {@code var name = {...}} (no nested objects). */
  private static String objectVariable(String bicep, String name) {
    Matcher matcher = Pattern.compile("var " + name + " = \\{([^{}]*)\\}").matcher(bicep);
    assertTrue(matcher.find(), "no object variable " + name);
    return matcher.group(1);
  }

  /** The entry of the rule named {@code name} in the rules' arrays. */
  private static String ruleEntry(String bicep, String name) {
    Matcher matcher = Pattern.compile("\\{\\s*name: '" + name + "'.*?\\n  \\}", Pattern.DOTALL).matcher(bicep);
    assertTrue(matcher.find(), "no rule " + name);
    return matcher.group();
  }

  private static List<String> literals(String text) {
    return Pattern.compile("'([^']*)'").matcher(text).results().map(result -> result.group(1)).toList();
  }

  /** Event Grid dead-letters what it could not deliver: an alert on each system topic's DeadLetteredCount reaches people. */
  @Test
  void everySystemTopicHasADeadLetterAlertToTheActionGroup() {
    int topics = 0;
    for (Path file : bicepFiles()) {
      for (BicepTree.Resource topic : BicepTree.resources(file, "Microsoft.EventGrid/systemTopics")) {
        if (topic.get("properties.topicType") == null) {
          continue; // an existing topic, declared elsewhere
        }
        topics++;
        List<BicepTree.Resource> alerts = BicepTree.resources(file, "Microsoft.Insights/metricAlerts").stream()
            .filter(alert -> List.of(topic.symbol() + ".id", "topicId").contains(alert.get("properties.scopes.0"))).toList();
        assertEquals(1, alerts.size(), topic + ": one metric alert scoped to it");
        BicepTree.Resource alert = alerts.get(0);
        assertEquals("'DeadLetteredCount'", alert.get("properties.criteria.allOf.0.metricName"), alert.toString());
        assertEquals("'Microsoft.EventGrid/systemTopics'", alert.get("properties.criteria.allOf.0.metricNamespace"));
        assertEquals("'Total'", alert.get("properties.criteria.allOf.0.timeAggregation"));
        assertEquals("'GreaterThan'", alert.get("properties.criteria.allOf.0.operator"));
        assertEquals("0", alert.get("properties.criteria.allOf.0.threshold"));
        assertEquals("'global'", alert.get("location"));
        assertEquals("actionGroupId", alert.get("properties.actions.0.actionGroupId"), alert + " notifies the action group");
      }
    }
    assertEquals(1, topics, "one system topic declaration (system-topic.bicep), for subscriptions and resource groups");
    assertTrue(HealthAndTamperAlertsTest.moduleCall(text("main.bicep"), "targetBatches", "modules/target-batch.bicep")
        .contains("actionGroupId: alerting.outputs.actionGroupId"), "the batches get it");
    String batch = text("modules/target-batch.bicep");
    assertEquals(2, count(batch, "actionGroupId: actionGroupId"), "both kinds of target get driftguard's action group");
    for (String[] target : new String[][] {
        {"targets", "target-subscription.bicep"}, {"targetGroups", "target-resource-group.bicep"}}) {
      assertTrue(HealthAndTamperAlertsTest.moduleCall(batch, target[0], target[1])
          .contains("actionGroupId: actionGroupId"), target[0] + " gets driftguard's action group");
    }
  }

  /** The rules over the findings table; driftguard's health rules (HealthAndTamperAlertsTest) watch its own logs. */
  static List<BicepTree.Resource> queryRules() {
    return BicepTree.resources(INFRA.resolve("modules/alerting.bicep"), "Microsoft.Insights/scheduledQueryRules");
  }

  static Duration duration(BicepTree.Resource resource, String path) {
    String value = resource.get(path);
    assertTrue(value != null && value.matches("'PT\\d+[MH]'"), resource + ": " + path + " is a literal ISO duration: " + value);
    return Duration.parse(value.replace("'", ""));
  }

  // ---------------------------------------------------------------- parameters file, scripts, README

  @Test
  void theParametersFileSetsOnlyDeclaredParametersWithAllowedValues() throws IOException {
    Map<String, Boolean> declared = Bicep.of(INFRA.resolve("main.bicep")).params();
    JsonNode parameters = InfraContractTest.read("main.parameters.json").get("parameters");
    parameters.fieldNames().forEachRemaining(name ->
        assertTrue(declared.containsKey(name), "main.parameters.json sets " + name + ", which main.bicep does not declare"));
    String main = text("main.bicep");
    for (String param : List.of("mode", "minTls", "ftpsState")) {
      if (parameters.has(param)) {
        assertTrue(allowedValues(main, param).contains(parameters.get(param).get("value").asText()), param);
      }
    }
    for (String required : List.of("location", "namePrefix", "mode", "controlModes", "targetSubscriptionIds",
        "managementGroupId", "alertEmails", "alertWebhookUrls", "existingActionGroupId", "minTls", "ftpsState",
        "flapMaxFixes", "flapWindow", "flapCoolDown", "deployEventSubscription")) {
      assertTrue(declared.containsKey(required), "main.bicep declares " + required);
    }
    assertEquals(List.of("autofix", "notify", "off"), allowedValues(main, "mode"));
    assertTrue(main.contains("param mode string = 'notify'"), "mode defaults to notify");
    assertTrue(main.startsWith("//") && main.contains("targetScope = 'subscription'"));
  }

  @Test
  void theScriptsReadOnlyOutputsTheTemplatesHave() {
    Set<String> outputs = new TreeSet<>(Bicep.of(INFRA.resolve("main.bicep")).outputs());
    Set<String> mgOutputs = new TreeSet<>(Bicep.of(INFRA.resolve("modules/role-management-group.bicep")).outputs());
    for (String script : List.of("deploy.sh", "remove.sh", "install.sh")) {
      String text = text(script);
      if (!script.equals("install.sh")) { // sourced by the other two
        assertTrue(text.startsWith("#!/usr/bin/env bash") && text.contains("set -euo pipefail"), script);
        assertTrue(text.contains("--help"), script + " answers --help");
      }
      Matcher read = Pattern.compile("(?<![-\\w])output (\\w+)\\)").matcher(text);
      int reads = 0;
      while (read.find()) {
        reads++;
        assertTrue(outputs.contains(read.group(1)), script + " reads output " + read.group(1) + "; main.bicep has " + outputs);
      }
      assertTrue(reads > 0 || script.equals("remove.sh") && text.contains("read_install \"$own\""),
          script + " reads the deployment's outputs");
      Matcher mgRead = Pattern.compile("properties\\.outputs\\.(\\w+)\\.value").matcher(text);
      while (mgRead.find()) {
        assertTrue(mgOutputs.contains(mgRead.group(1)), script + " reads management-group output " + mgRead.group(1));
      }
      bashSyntaxIsValid(INFRA.resolve(script));
    }
    String deploy = text("deploy.sh");
    int build = deploy.indexOf("(cd \"$root\" && mvn -B -q -DskipTests -pl functions -am package -P \"$TEST_TOOLING_PROFILES\")");
    int infrastructure = deploy.indexOf("-- deploy false");
    int code = deploy.indexOf("az functionapp deployment source config-zip --resource-group");
    int events = deploy.indexOf("-- deploy true");
    assertTrue(build > 0 && build < infrastructure && infrastructure < code && code < events,
        "deploy.sh builds, deploys the infrastructure, then the code, then the event subscriptions");
    assertTrue(deploy.contains("--template-file \"$here/main.bicep\""));
    assertTrue(text("remove.sh").contains("--yes"), "remove.sh asks unless --yes");
  }

  @Test
  void theReadmeLeavesTheRolesActionsToTheDocumentTable() {
    String readme = text("README.md");
    assertFalse(Pattern.compile("(?m)^\\| `Microsoft\\.Web/[^`]+` \\|").matcher(readme).find(),
        "infra/README.md lists no action of its own: docs/controls.md's document table shows each document's");
    assertTrue(readme.contains("](../docs/controls.md#adding-a-control)"), "infra/README.md points to the table");
  }

  // ---------------------------------------------------------------- helpers

  static Set<String> writtenSettings() {
    Set<String> written = new TreeSet<>();
    for (Path file : bicepFiles()) {
      Matcher keys = SETTING_KEY.matcher(Bicep.of(file).code);
      while (keys.find()) {
        written.add(keys.group(1));
      }
    }
    return written;
  }

  static String functionName() throws IOException {
    String source = Files.readString(Path.of("..", "functions", "src", "main", "java", "io", "driftguard", "functions",
        "OnResourceWrite.java"));
    Matcher name = Pattern.compile("@FunctionName\\(\"(\\w+)\"\\)").matcher(source);
    assertTrue(name.find(), "OnResourceWrite.java names its function");
    return name.group(1);
  }

  static boolean loads(String bicepFile, String loaded) {
    Path file = INFRA.resolve(bicepFile);
    Matcher loads = LOAD.matcher(Bicep.of(file).noComments);
    while (loads.find()) {
      if (file.getParent().resolve(loads.group(1)).normalize().equals(INFRA.resolve(loaded).normalize())) {
        return true;
      }
    }
    return false;
  }

  /** The values of the @allowed decorator of a parameter. */
  static List<String> allowedValues(String bicep, String param) {
    Matcher allowed = Pattern.compile("@allowed\\(\\[([^\\]]*)\\]\\)\\s*(?:@\\w+\\((?:[^()']|'(?:[^'\\\\]|\\\\.)*')*\\)\\s*)*"
        + "param\\s+" + param + "\\b").matcher(bicep);
    List<String> values = new ArrayList<>();
    if (allowed.find()) {
      Matcher value = Pattern.compile("'([^']*)'").matcher(allowed.group(1));
      while (value.find()) {
        values.add(value.group(1));
      }
    }
    return values;
  }

  static void assertContains(String text, String... required) {
    for (String snippet : required) {
      assertTrue(text.contains(snippet), "missing: " + snippet);
    }
  }

  static int count(String text, String snippet) {
    int count = 0;
    for (int at = text.indexOf(snippet); at >= 0; at = text.indexOf(snippet, at + snippet.length())) {
      count++;
    }
    return count;
  }

  static void bashSyntaxIsValid(Path script) {
    Process process;
    try {
      process = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      return; // no bash here: the other checks still ran
    }
    try {
      boolean done = process.waitFor(30, TimeUnit.SECONDS);
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(done && process.exitValue() == 0, "bash -n " + script + ": " + out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(e);
    }
  }

  static List<Path> bicepFiles() {
    try (Stream<Path> files = Files.walk(INFRA)) {
      List<Path> bicep = files.filter(file -> file.toString().endsWith(".bicep")).sorted().toList();
      assertTrue(bicep.contains(INFRA.resolve("main.bicep")), "infra/main.bicep exists");
      return bicep;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(String file) {
    try {
      return Files.readString(INFRA.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String name(Path file) {
    return INFRA.relativize(file).toString();
  }

  /**
   * A Bicep file read once: {@code noComments} is the text with comments blanked, {@code code} also blanks the
   * contents of string literals but keeps their {@code ${...}} interpolations, so both keep every offset. Brackets
   * that do not balance outside strings and comments are reported in {@code problems}.
   */
  static final class Bicep {
    private static final Map<Path, Bicep> CACHE = new LinkedHashMap<>();

    final String noComments;
    final String code;
    final List<String> problems = new ArrayList<>();

    private Bicep(String text) {
      StringBuilder noComments = new StringBuilder(text);
      StringBuilder code = new StringBuilder(text);
      Deque<Character> brackets = new ArrayDeque<>();  // ( [ { and '$' for an interpolation's opening ${
      Deque<Boolean> inString = new ArrayDeque<>();     // top: true in a string, false in code (or an interpolation)
      inString.push(false);
      int line = 1;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\n') {
          line++;
        }
        if (inString.peek()) {
          if (c == '\\' && i + 1 < text.length()) {
            blank(code, i, i + 2);
            i++;
          } else if (c == '\'') {
            inString.pop();
          } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
            brackets.push('$');
            inString.push(false);
            i++;
          } else if (c != '\n') {
            code.setCharAt(i, ' ');
          }
          continue;
        }
        if (text.startsWith("//", i)) {
          int end = text.indexOf('\n', i);
          end = end < 0 ? text.length() : end;
          blank(noComments, i, end);
          blank(code, i, end);
          i = end - 1;
        } else if (text.startsWith("/*", i)) {
          int end = text.indexOf("*/", i + 2);
          if (end < 0) {
            problems.add("line " + line + ": unterminated comment");
            break;
          }
          blank(noComments, i, end + 2);
          blank(code, i, end + 2);
          line += (int) text.substring(i, end).chars().filter(ch -> ch == '\n').count();
          i = end + 1;
        } else if (text.startsWith("'''", i)) {
          int end = text.indexOf("'''", i + 3);
          if (end < 0) {
            problems.add("line " + line + ": unterminated multi-line string");
            break;
          }
          blank(code, i + 3, end);
          line += (int) text.substring(i, end).chars().filter(ch -> ch == '\n').count();
          i = end + 2;
        } else if (c == '\'') {
          inString.push(true);
        } else if (c == '(' || c == '[' || c == '{') {
          brackets.push(c);
        } else if (c == ')' || c == ']' || c == '}') {
          Character open = brackets.poll();
          if (open == null) {
            problems.add("line " + line + ": '" + c + "' closes nothing");
          } else if (open == '$' && c == '}') {
            inString.pop(); // back into the string the interpolation is part of
          } else if ("([{".indexOf(open) != ")]}".indexOf(c)) {
            problems.add("line " + line + ": '" + c + "' closes '" + (open == '$' ? "${" : open) + "'");
          }
        }
      }
      if (inString.size() > 1 || inString.peek()) {
        problems.add("unterminated string or interpolation at the end");
      }
      if (!brackets.isEmpty()) {
        problems.add("unclosed at the end: " + brackets);
      }
      this.noComments = noComments.toString();
      this.code = code.toString();
    }

    static synchronized Bicep of(Path file) {
      return CACHE.computeIfAbsent(file.toAbsolutePath().normalize(), path -> {
        try {
          return new Bicep(Files.readString(path));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }

    private static void blank(StringBuilder text, int from, int to) {
      for (int i = from; i < to; i++) {
        if (text.charAt(i) != '\n') {
          text.setCharAt(i, ' ');
        }
      }
    }

    /** Parameter name to whether it is required (no default value). */
    Map<String, Boolean> params() {
      Map<String, Boolean> params = new LinkedHashMap<>();
      Matcher param = PARAM.matcher(code);
      while (param.find()) {
        params.put(param.group(1), !param.group(3).contains("="));
      }
      return params;
    }

    List<String> outputs() {
      List<String> outputs = new ArrayList<>();
      Matcher output = OUTPUT.matcher(code);
      while (output.find()) {
        outputs.add(output.group(1));
      }
      return outputs;
    }

    /** Module symbol to its path. */
    Map<String, String> modules() {
      Map<String, String> modules = new LinkedHashMap<>();
      Matcher module = MODULE.matcher(noComments);
      while (module.find()) {
        modules.put(module.group(1), module.group(2));
      }
      return modules;
    }

    /** Module symbol to the parameter names its {@code params} object passes. */
    Map<String, Set<String>> moduleParams() {
      Map<String, Set<String>> calls = new LinkedHashMap<>();
      Matcher module = MODULE.matcher(noComments);
      while (module.find()) {
        int body = code.indexOf('{', code.indexOf('=', module.end()));
        int end = closing(body);
        Matcher params = Pattern.compile("\\n\\s*params:\\s*\\{").matcher(code.substring(body, end));
        Set<String> names = new LinkedHashSet<>();
        while (params.find()) {
          int open = body + params.end() - 1;
          if (depth(body, open) == 1) {
            names.addAll(topLevelKeys(open, closing(open)));
          }
        }
        calls.put(module.group(1), names);
      }
      return calls;
    }

    private int closing(int open) {
      int depth = 0;
      for (int i = open; i < code.length(); i++) {
        char c = code.charAt(i);
        if (c == '{' || c == '[' || c == '(') {
          depth++;
        } else if (c == '}' || c == ']' || c == ')') {
          depth--;
          if (depth == 0) {
            return i;
          }
        }
      }
      throw new AssertionError("no closing bracket for offset " + open);
    }

    private int depth(int from, int at) {
      int depth = 0;
      for (int i = from; i < at; i++) {
        char c = code.charAt(i);
        depth += (c == '{' || c == '[' || c == '(') ? 1 : (c == '}' || c == ']' || c == ')') ? -1 : 0;
      }
      return depth;
    }

    private Set<String> topLevelKeys(int open, int close) {
      Set<String> keys = new LinkedHashSet<>();
      StringBuilder flat = new StringBuilder();
      int depth = 0;
      for (int i = open + 1; i < close; i++) {
        char c = code.charAt(i);
        if (c == '{' || c == '[' || c == '(') {
          depth++;
        } else if (c == '}' || c == ']' || c == ')') {
          depth--;
        }
        flat.append(depth == 0 || c == '\n' ? c : ' ');
      }
      Matcher key = Pattern.compile("(?m)^\\s*(\\w+)\\s*:").matcher(flat);
      while (key.find()) {
        keys.add(key.group(1));
      }
      return keys;
    }
  }
}
