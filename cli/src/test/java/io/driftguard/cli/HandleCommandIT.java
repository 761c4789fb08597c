package io.driftguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.config.Settings;
import io.driftguard.sandbox.Azurite;
import io.driftguard.sandbox.Caller;
import io.driftguard.sandbox.FakeArm;
import io.driftguard.sandbox.Fault;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SiteHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code driftguard handle} as a separate process, configured only through its environment as in Azure Functions:
 * the managed identity endpoint and the ARM endpoint point at the sandbox, which it trusts through the JVM truststore.
 */
class HandleCommandIT {

  private static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000c11aa";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Caller ALICE = Caller.user("alice@contoso.com", "Alice Admin", "11111111-1111-1111-1111-111111111111", "203.0.113.7");
  // A cold handle builds only the clients its event needs: every client built before the first ARM read delays the
  // fix on a new instance. Read from the class-loading log of the handle process (a class loads when first used).
  private static final Pattern LOADED_CLASS = Pattern.compile("^\\S*\\s*([\\w.$]+) source:", Pattern.MULTILINE);
  /** What AppServiceManager builds beside the App Service client, none of which driftguard calls. */
  private static final List<String> UNUSED_MANAGERS = List.of("com.azure.resourcemanager.keyvault.",
      "com.azure.resourcemanager.storage.", "com.azure.resourcemanager.authorization.", "com.azure.resourcemanager.dns.",
      "com.azure.resourcemanager.msi.");
  private static final String LOGS_INGESTION_CLIENT = "com.azure.monitor.ingestion.LogsIngestionClient";
  private static Sandbox sandbox;

  @TempDir
  Path temp;

  @BeforeAll
  static void startSandbox() {
    sandbox = Sandbox.start();
  }

  @AfterAll
  static void stopSandbox() {
    List<RecordedRequest> requests = sandbox.arm().requests();
    assertTrue(requests.stream().anyMatch(request -> !request.method().equals("GET")), "the tests made fixes");
    assertEquals(List.of(), requests.stream().filter(FakeArm::isSecretRevealing).toList());
    assertEquals(List.of(), requests.stream().filter(FakeArm::isWholeDocumentPut).toList());
    assertEquals(List.of(), requests.stream().filter(FakeArm::isWriteBeyondControlledDocuments).toList());
    sandbox.close();
  }

  @AfterEach
  void clearFaults() {
    sandbox.arm().clearFaults();
  }

  private CliProcess.Result handle(Map<String, String> settings, String stdin, String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = "handle";
    System.arraycopy(args, 0, command, 1, args.length);
    return CliProcess.run(sandbox, temp, settings, stdin, command);
  }

  private static String driftEvent(String name) {
    return writeEvent(name, "{\"properties\":{\"minTlsVersion\":\"1.0\"}}");
  }

  /** A new, compliant function app, then Alice PATCHes its config/web with {@code change}: the write's event. */
  private static String writeEvent(String name, String change) {
    SiteHandle app = CatalogSeeds.secureBeyondSiteAndConfig(sandbox.arm(),
        sandbox.arm().seedSite(SUBSCRIPTION, "rg", name, "functionapp", Map.of(), true, CatalogSeeds.SECURE_CONFIG));
    sandbox.arm().drainEmittedEvents();
    sandbox.arm().write(ALICE, "PATCH", app.webConfigId(), change);
    return sandbox.arm().drainEmittedEvents().get(0);
  }

  @Test
  void fixesFromStdinAndPrintsOneJsonDecisionPerEvent() throws Exception {
    String delivery = "[" + driftEvent("func-cli-1") + "," + driftEvent("func-cli-2") + "]";

    CliProcess.Result run = handle(Map.of("DRIFTGUARD_MODE", "autofix"), delivery);

    assertEquals(ExitCode.OK, run.exit(), run.stderr());
    List<JsonNode> decisions = run.jsonLines();
    assertEquals(2, decisions.size());
    for (JsonNode decision : decisions) {
      assertEquals("fixed", decision.get("outcome").asText());
      assertEquals("min-tls", decision.at("/findings/0/rule").asText());
      assertEquals("1.0", decision.at("/findings/0/observed").asText());
      assertEquals("1.2 or higher", decision.at("/findings/0/desired").asText());
      assertEquals("fixed", decision.at("/findings/0/action").asText());
      assertEquals(3, decision.get("armReads").asLong(),
          "the site, config/web and the publishing-policy list: what the default controls need");
      assertEquals(1, decision.get("armWrites").asInt());
      assertTrue(decision.has("eventId") && decision.has("resource") && decision.has("reason") && decision.has("elapsedMs"));
    }
    assertTrue(run.stderr().contains("fixed     func-cli-1: fixed: min-tls"), run.stderr());
  }

  @Test
  void findingsAndAlertRowsNameThePropertyTheirValuesShow() throws Exception {
    SiteHandle app = CatalogSeeds.secureBeyondSiteAndConfig(sandbox.arm(), sandbox.arm().seedSite(SUBSCRIPTION, "rg",
        "func-ftp-allowed", "functionapp", Map.of(), true, CatalogSeeds.SECURE_CONFIG));
    sandbox.arm().drainEmittedEvents();
    sandbox.arm().write(ALICE, "PUT", app.id() + "/basicPublishingCredentialsPolicies/ftp",
        "{\"properties\":{\"allow\":true}}");
    String event = sandbox.arm().drainEmittedEvents().get(0);

    CliProcess.Result run = handle(Map.of("DRIFTGUARD_MODE", "autofix", Settings.ALERT_ENDPOINT,
        sandbox.logsIngestionEndpoint().toString(), Settings.ALERT_RULE_ID, sandbox.logs().dcrImmutableId(),
        Settings.ALERT_STREAM, sandbox.logs().streamName()), event);

    assertEquals(ExitCode.OK, run.exit(), run.stderr());
    JsonNode decision = run.jsonLines().get(0);
    assertEquals("ftp-basic-auth-off", decision.at("/findings/0/rule").asText(), decision.toString());
    assertEquals("allow", decision.at("/findings/0/property").asText(), decision.toString());
    String message = sandbox.logs().rows().stream().filter(row -> event.contains(String.valueOf(row.get("EventId"))))
        .map(row -> String.valueOf(row.get("Message"))).findFirst().orElseThrow();
    assertTrue(message.contains("ftp-basic-auth-off allow is now true (wants false)"), message);
  }

  @Test
  void readsAFileAndAcknowledgesRejectedAndSkippedEvents() throws Exception {
    String valid = driftEvent("func-cli-3");
    String forged = valid.replace("func-cli-3/config/web", "func-cli-3/%2e%2e/config/web");
    Path file = temp.resolve("delivery.json");
    Files.writeString(file, "[" + forged + "]");

    CliProcess.Result run = handle(Map.of("DRIFTGUARD_SUBSCRIPTIONS", "00000000-0000-0000-0000-000000000bad"), "", file.toString());

    assertEquals(ExitCode.OK, run.exit(), run.stderr());
    assertEquals("rejected", run.jsonLines().get(0).get("outcome").asText());
    assertEquals(0, run.jsonLines().get(0).get("armReads").asInt());
  }

  /** Every decision line has the same keys, whatever became of its event; other event types name their resource. */
  @Test
  void everyDecisionLineCarriesEveryKey() throws Exception {
    String write = driftEvent("func-cli-6");
    JsonNode written = JSON.readTree(write);
    String resourceUri = written.at("/data/resourceUri").asText();
    List<String> delivery = List.of(
        write,
        variant(write, "failure", event -> event.put("eventType", "Microsoft.Resources.ResourceWriteFailure")),
        variant(write, "delete", event -> event.put("eventType", "Microsoft.Resources.ResourceDeleteSuccess")),
        variant(write, "validation", event -> {
          event.put("eventType", "Microsoft.EventGrid.SubscriptionValidationEvent");
          event.put("subject", "");
          event.set("data", JSON.createObjectNode().put("validationCode", "512d38b6-c7b8-40c8-89fe-f46f9e9622b6"));
        }),
        variant(write, "unknown", event -> {
          event.put("eventType", "Contoso.Custom.Event");
          event.set("data", JSON.createObjectNode());
        }),
        variant(write, "malformed", event -> ((ObjectNode) event.get("data")).put("claims", "not a map")),
        variant(write, "no-claims", event -> ((ObjectNode) event.get("data"))
            .remove(List.of("claims", "authorization", "httpRequest"))));

    CliProcess.Result run = handle(Map.of("DRIFTGUARD_MODE", "notify"), "[" + String.join(",", delivery) + "]");

    assertEquals(ExitCode.OK, run.exit(), run.stderr());
    List<JsonNode> decisions = run.jsonLines();
    assertEquals(delivery.size(), decisions.size());
    List<String> keys = fieldNames(decisions.get(0));
    assertTrue(keys.containsAll(List.of("eventId", "resource", "outcome", "reason", "changedBy", "changedAt",
        "operation", "evaluated", "findings", "armReads", "armWrites", "elapsedMs", "retryable")), keys.toString());
    for (JsonNode decision : decisions) {
      assertEquals(keys, fieldNames(decision), decision.toString());
    }
    assertEquals(resourceUri, decisions.get(1).get("resource").asText(), "a write failure names its resource");
    assertEquals(resourceUri, decisions.get(2).get("resource").asText(), "a delete names its resource");
    assertTrue(decisions.get(3).get("resource").isNull(), decisions.get(3).toString());
    assertTrue(decisions.get(3).get("changedBy").isNull(), decisions.get(3).toString());
    assertTrue(decisions.get(4).get("evaluated").isArray() && decisions.get(4).get("evaluated").isEmpty());
    assertEquals("rejected", decisions.get(5).get("outcome").asText());
    assertEquals("alerted", decisions.get(6).get("outcome").asText(), "an event without claims is evaluated");
    assertEquals("an unknown caller", decisions.get(6).get("changedBy").asText());
  }

  private static String variant(String event, String idSuffix, Consumer<ObjectNode> change) throws Exception {
    ObjectNode copy = (ObjectNode) JSON.readTree(event);
    copy.put("id", copy.get("id").asText() + "-" + idSuffix);
    change.accept(copy);
    return copy.toString();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void exitsRetryablyWhenArmKeepsFailing() throws Exception {
    String event = driftEvent("func-cli-4");
    sandbox.arm().inject(Fault.on("GET", "func-cli-4").status(503).times(Fault.ALWAYS));

    CliProcess.Result run = handle(Map.of(), event, "-");

    assertEquals(ExitCode.TEMPORARY_FAILURE, run.exit(), run.stderr());
    JsonNode decision = run.jsonLines().get(0);
    assertEquals("failed", decision.get("outcome").asText());
    assertTrue(decision.get("retryable").asBoolean());
  }

  /** Table storage that is down: an Azurite started and stopped again. */
  private static String storageDown() {
    try (Azurite stopped = Azurite.start()) {
      return stopped.connectionString();
    }
  }

  @Test
  void withTableStorageDownAtStartTheFixStillGoesOutAndTheDecisionSaysRecordingIsDegraded() throws Exception {
    // The longest budget: the storage outage costs this cold process a back-off on top of its first ARM calls.
    CliProcess.Result run = handle(Map.of("DRIFTGUARD_MODE", "autofix", "AzureWebJobsStorage", storageDown(),
        "DRIFTGUARD_EVENT_BUDGET", "25s"), driftEvent("func-cli-nostore"));

    assertEquals(ExitCode.OK, run.exit(), run.stderr());
    JsonNode decision = run.jsonLines().get(0);
    assertEquals("fixed", decision.get("outcome").asText());
    assertTrue(decision.get("recordingDegraded").asBoolean(), decision.toString());
    assertFalse(decision.get("retryable").asBoolean());
  }

  @Test
  void withTableStorageDownAndArmFailingTheExitSaysDeliverAgain() throws Exception {
    String event = driftEvent("func-cli-nostore-sick");
    sandbox.arm().inject(Fault.on("GET", "func-cli-nostore-sick").status(503).times(Fault.ALWAYS));

    CliProcess.Result run = handle(Map.of("AzureWebJobsStorage", storageDown()), event);

    assertEquals(ExitCode.TEMPORARY_FAILURE, run.exit(), run.stderr());
    assertTrue(run.jsonLines().get(0).get("retryable").asBoolean());
  }

  @Test
  void refusesInputThatIsNotEvents() throws Exception {
    CliProcess.Result run = handle(Map.of(), "{\"hello\":\"world\"}");
    assertEquals(ExitCode.DATA_ERROR, run.exit());
    assertEquals("", run.stdout());
    assertTrue(run.stderr().contains("not an Event Grid delivery"), run.stderr());
  }

  @Test
  void refusesInvalidSettingsAndMissingFiles() throws Exception {
    CliProcess.Result badSettings = handle(Map.of("DRIFTGUARD_MODE", "yolo", "DRIFTGUARD_RULE_MIN_TSL", "off"), driftEvent("func-cli-5"));
    assertEquals(ExitCode.CONFIG, badSettings.exit());
    assertTrue(badSettings.stderr().contains("DRIFTGUARD_MODE: must be autofix, notify or off"), badSettings.stderr());
    assertTrue(badSettings.stderr().contains("DRIFTGUARD_RULE_MIN_TSL: unknown setting"), badSettings.stderr());

    CliProcess.Result missing = handle(Map.of(), "", temp.resolve("nope.json").toString());
    assertEquals(ExitCode.NO_INPUT, missing.exit());
  }

  @Test
  void printsHelp() throws Exception {
    CliProcess.Result run = handle(new HashMap<>(), "", "--help");
    assertEquals(ExitCode.OK, run.exit());
    assertTrue(run.stdout().startsWith("usage: driftguard handle"));
  }

  @Test
  void aCompliantEventBuildsNeitherTheAlertClientNorManagersItNeverCalls() throws Exception {
    Handled handled = handleLoggingClasses("func-clients-compliant", "{\"properties\":{\"http20Enabled\":true}}");
    List<String> loaded = handled.classes();

    assertTrue(handled.decision().contains("\"outcome\":\"compliant\""), handled.decision());
    assertTrue(loaded.contains("io.driftguard.state.ArmGateway"), "the log holds the event path's classes");
    // Events read and write documents through the ARM pipeline; the App Service client serves only sweeps' listings.
    assertFalse(loaded.contains("com.azure.resourcemanager.appservice.implementation.WebSiteManagementClientImpl"),
        "no App Service client for an event");
    assertEquals(List.of(), loaded.stream().filter(name -> UNUSED_MANAGERS.stream().anyMatch(name::startsWith)).toList());
    assertTrue(loaded.stream().noneMatch(LOGS_INGESTION_CLIENT::equals), "nothing to report, no Logs Ingestion client");
  }

  /** Only drift a sweep found asks the Activity Log who wrote it: an event, which names its writer, loads no query client. */
  @Test
  void anEventWithAnActivityLogWorkspaceBuildsNoLogAnalyticsQueryClient() throws Exception {
    Handled handled = handleLoggingClasses("func-clients-workspace", "{\"properties\":{\"minTlsVersion\":\"1.0\"}}",
        Map.of(Settings.ACTIVITY_LOG_WORKSPACE, "00000000-0000-0000-0000-00000000a10a"));

    assertTrue(handled.decision().contains("\"outcome\":\"fixed\""), handled.decision());
    assertTrue(handled.classes().contains("io.driftguard.alert.ActivityLogWriters"), "the workspace is wired");
    assertTrue(handled.classes().stream().noneMatch("com.azure.monitor.query.LogsQueryClient"::equals),
        "no query client for an event");
  }

  @Test
  void aDriftedEventBuildsTheAlertClientToReportItsFix() throws Exception {
    Handled handled = handleLoggingClasses("func-clients-drifted", "{\"properties\":{\"minTlsVersion\":\"1.0\"}}");

    assertTrue(handled.decision().contains("\"outcome\":\"fixed\""), handled.decision());
    assertTrue(handled.classes().contains(LOGS_INGESTION_CLIENT), "the fix is reported through Logs Ingestion");
    assertTrue(sandbox.logs().rows().toString().contains("func-clients-drifted"), sandbox.logs().rows().toString());
  }

  @Test
  void anEventWithTableStorageLoadsNoQueueClientNorTheCommandsItDoesNotRun() throws Exception {
    try (Azurite storage = Azurite.start()) {
      Handled handled = handleLoggingClasses("func-clients-stored", "{\"properties\":{\"minTlsVersion\":\"1.0\"}}",
          Map.of(Settings.STORAGE_CONNECTION, storage.connectionString()));

      assertTrue(handled.decision().contains("\"outcome\":\"fixed\""), handled.decision());
      assertTrue(handled.classes().contains("com.azure.data.tables.TableClient"), "the event is claimed in Table storage");
      // The queue carries only the reconcile timer's fan-out: an event has no message to send, so no queue client is
      // built (linking the lambda that would build it loads its return type, QueueClient, and nothing else).
      assertEquals(List.of(), handled.classes().stream().filter(name -> name.startsWith("com.azure.storage.queue."))
          .filter(name -> !name.equals("com.azure.storage.queue.QueueClient")).toList());
      // Nor the demo's seeds or the sandbox, which only other commands use.
      assertEquals(List.of(), handled.classes().stream()
          .filter(name -> name.startsWith("io.driftguard.sandbox.") || name.startsWith("io.driftguard.cli.CatalogSeeds"))
          .toList());
    }
  }

  private record Handled(String decision, List<String> classes) {}

  private Handled handleLoggingClasses(String app, String change) throws Exception {
    return handleLoggingClasses(app, change, Map.of());
  }

  /** Handles the event of {@code change} to a new, compliant function app: its decision and the classes loaded. */
  private Handled handleLoggingClasses(String app, String change, Map<String, String> settings) throws Exception {
    String event = writeEvent(app, change);
    Path log = temp.resolve(app + "-classes.log");
    Map<String, String> environment = new HashMap<>(settings);
    environment.putAll(Map.of(Settings.MODE, "autofix", Settings.ALERT_ENDPOINT, sandbox.logsIngestionEndpoint().toString(),
        Settings.ALERT_RULE_ID, sandbox.logs().dcrImmutableId(), Settings.ALERT_STREAM, sandbox.logs().streamName()));
    CliProcess.Result run = CliProcess.run(sandbox, temp, List.of("-Xlog:class+load=info:file=" + log), environment,
        event, "handle");
    assertEquals(ExitCode.OK, run.exit(), run.stderr());
    Matcher classes = LOADED_CLASS.matcher(Files.readString(log));
    return new Handled(run.stdout(), classes.results().map(match -> match.group(1)).toList());
  }
}
