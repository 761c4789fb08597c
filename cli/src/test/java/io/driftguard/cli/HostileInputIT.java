package io.driftguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.sandbox.Caller;
import io.driftguard.sandbox.Fault;
import io.driftguard.sandbox.ForeignHost;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SiteHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crafted and broken deliveries through {@code handle}: each gets a clear reason, no stack trace, no ARM request, and
 * the exit code of the contract (0 handled, 65 not events).
 */
class HostileInputIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000bad0";
  private static Sandbox sandbox;
  private static String validEvent;
  private static SiteHandle app;

  @TempDir
  Path temp;

  @BeforeAll
  static void start() {
    sandbox = Sandbox.start();
    app = sandbox.arm().seedSite(SUBSCRIPTION, "rg", "func-target", "functionapp", Map.of(),
        true, Map.of("ftpsState", "AllAllowed"));
    sandbox.arm().write(Caller.user("mallory@contoso.com", "Mallory", "99999999-0000-4000-8000-000000000009", "192.0.2.1"),
        "PATCH", app.webConfigId(), "{\"properties\":{}}");
    validEvent = sandbox.arm().drainEmittedEvents().get(0);
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  private static String variant(Consumer<ObjectNode> change) {
    try {
      ObjectNode event = (ObjectNode) JSON.readTree(validEvent);
      change.accept(event);
      return event.toString();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void setResource(ObjectNode event, String resourceUri) {
    event.put("subject", resourceUri);
    ((ObjectNode) event.get("data")).put("resourceUri", resourceUri);
  }

  private static void assertNoStackTrace(CliProcess.Result run) {
    assertFalse(run.stderr().contains("\tat ") || run.stderr().contains("Exception:"), run.stderr());
  }

  @Test
  void craftedEventsAreRejectedOrSkippedWithReasonsAndCostNothing() throws Exception {
    String site = app.id();
    List<String> crafted = List.of(
        variant(event -> setResource(event, site + "/../../../../providers/Microsoft.Authorization/roleAssignments/x")),
        variant(event -> setResource(event, site.replace("func-target", "func%2Ftarget"))),
        variant(event -> setResource(event, site.replace("func-target", "func-t\u0430rget"))),
        variant(event -> setResource(event, site.replace("Microsoft.Web", "Microsoft.Storage"))),
        variant(event -> setResource(event, site.replace("Microsoft.Web/sites", "Contoso.Web/sites"))),
        variant(event -> setResource(event, site + "?api-version=2020-01-01")),
        variant(event -> setResource(event, site.replace("/sites/", "/sites//"))),
        variant(event -> event.put("topic", "/subscriptions/11111111-0000-0000-0000-000000000000")),
        variant(event -> event.put("subject", site.replace("func-target", "func-other"))),
        variant(event -> ((ObjectNode) event.get("data")).remove("resourceUri")),
        variant(event -> ((ObjectNode) event.get("data")).put("claims", "not a map")),
        variant(event -> ((ObjectNode) event.get("data")).put("operationName", "Microsoft.Authorization/roleAssignments/write")),
        variant(event -> event.put("eventType", "Microsoft.EventGrid.SubscriptionValidationEvent")),
        variant(event -> event.put("eventType", "Contoso.Custom.Event")));

    int requestsBefore = botRequests().size();
    int tokensBefore = sandbox.tokenRequests().size();
    CliProcess.Result run = CliProcess.run(sandbox, temp, Map.of("DRIFTGUARD_MODE", "autofix"),
        "[" + String.join(",", crafted) + "]", "handle");

    assertEquals(ExitCode.OK, run.exit(), run.stderr());
    List<JsonNode> decisions = run.jsonLines();
    assertEquals(crafted.size(), decisions.size());
    for (JsonNode decision : decisions) {
      assertTrue(List.of("rejected", "skipped").contains(decision.get("outcome").asText()), decision.toString());
      assertFalse(decision.get("reason").asText().isBlank());
      assertEquals(0, decision.get("armReads").asInt() + decision.get("armWrites").asInt(), decision.toString());
    }
    assertNoStackTrace(run);
    assertFalse(run.stderr().contains("ERROR"), "hostile input reaches no SDK deserializer: " + run.stderr());
    assertEquals(requestsBefore, botRequests().size(), "not one ARM request");
    assertEquals(tokensBefore, sandbox.tokenRequests().size(), "not even a token: only an event to act on fetches one");
  }

  /** Terminal escapes, bidi overrides and floods in every field a person reads: shown clean and short, never whole. */
  @Test
  void hostileTextIsAbbreviatedAndStrippedOfControlCharacters() throws Exception {
    String hostile = "\u001b[2J\u001b]0;pwned\u0007\u202eevil\u202c\u2066x\u2069\u0085\u009b31m\u0000"
        + "in\u200bvis\u2063ible\ufeff\u00ad\udb40\udc41";
    String operation = "Microsoft.Web/sites/" + hostile + "A".repeat(3_075 - 20 - hostile.length());
    assertEquals(3_075, operation.length());
    List<String> delivery = List.of(
        variant(event -> ((ObjectNode) event.get("data")).put("operationName", operation)),
        variant(event -> {
          ObjectNode claims = (ObjectNode) event.get("data").get("claims");
          claims.put("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", hostile + "B".repeat(3_000));
          event.put("id", event.get("id").asText() + "-caller");
        }),
        variant(event -> {
          event.put("eventType", "Contoso." + hostile + "C".repeat(3_000));
          ((ObjectNode) event.get("data")).put("resourceUri", "/subscriptions/" + hostile + "D".repeat(3_000));
          event.put("id", event.get("id").asText() + "-type");
        }));

    CliProcess.Result run = CliProcess.run(sandbox, temp, Map.of("DRIFTGUARD_MODE", "notify", "DRIFTGUARD_EVENT_BUDGET", "25s"),
        "[" + String.join(",", delivery) + "]", "handle");

    assertEquals(ExitCode.OK, run.exit(), run.stderr());
    List<JsonNode> decisions = run.jsonLines();
    assertEquals(3, decisions.size());
    assertEquals("alerted", decisions.get(1).get("outcome").asText(), "the hostile caller's write is still evaluated");
    Printed.assertPrintable(run.stdout());
    Printed.assertPrintable(run.stderr());
    decisions.forEach(HostileInputIT::assertPrintableValues);
    assertNoStackTrace(run);
  }

  private static void assertPrintableValues(JsonNode node) {
    if (node.isTextual()) {
      Printed.assertPrintable(node.asText());
    }
    node.elements().forEachRemaining(HostileInputIT::assertPrintableValues);
  }

  /**
   * A slot list whose {@code nextLink} reads as ARM to java.net.URL but as another host to OkHttp
   * ({@code https://OTHER\\@ARM/...}; with a port in OTHER it once crashed the scan): refused before it leaves, the
   * scan incomplete (75) and one line naming the refused host.
   */
  @Test
  void aNextLinkToAHostOnlyTheHttpClientSeesEndsTheScanIncompleteNamingTheHost() throws Exception {
    try (ForeignHost attacker = sandbox.startForeignHost()) {
      String refused = attacker.endpoint().getAuthority();
      sandbox.arm().inject(Fault.on("GET", app.site() + "/slots$").times(Fault.ALWAYS).answer("{\"value\":[],"
          + "\"nextLink\":\"https://" + refused + "\\\\@" + sandbox.armEndpoint().getAuthority() + app.id()
          + "/slots?api-version=2025-03-01&$skipToken=x\"}"));
      try {
        CliProcess.Result run = CliProcess.run(sandbox, temp, Map.of(), "", "scan", "--subscription", SUBSCRIPTION);

        assertEquals(ExitCode.TEMPORARY_FAILURE, run.exit(), run.stderr());
        assertEquals(List.of(), attacker.visits(), "nothing was sent to the other host");
        List<String> naming = (run.stdout() + run.stderr()).lines().filter(line -> line.contains(refused)).toList();
        assertEquals(1, naming.size(), run.stdout() + run.stderr());
        assertTrue(naming.get(0).contains("refused to send a request to https://" + refused), naming.get(0));
        assertNoStackTrace(run);
      } finally {
        sandbox.arm().clearFaults();
      }
    }
  }

  /** Values an app owner writes (CORS origins here) shown in a markdown report: as text, never as markup. */
  @Test
  void aMarkdownReportShowsHostileValuesAsTextNotMarkup() throws Exception {
    String subscription = "00000000-0000-0000-0000-00000000bad1";
    sandbox.arm().seedSite(subscription, "rg", "func-cors", "functionapp", Map.of(), true, Map.of("cors",
        Map.of("allowedOrigins", List.of("*", "[docs](https://attacker.example)", "<img src=x>", "a|b", "`x`", "**y**",
            "&#x202e;", "\\"))));

    CliProcess.Result run = CliProcess.run(sandbox, temp, Map.of(), "", "scan", "--subscription", subscription,
        "--format", "markdown");

    assertEquals(ExitCode.FINDINGS, run.exit(), run.stderr());
    String row = run.stdout().lines().filter(line -> line.startsWith("| func-cors |")).findFirst().orElseThrow();
    String header = run.stdout().lines().findFirst().orElseThrow();
    assertEquals(header.split("(?<!\\\\)\\|", -1).length, row.split("(?<!\\\\)\\|", -1).length,
        "as many cells as the header: " + row);
    for (String escaped : List.of("\\[docs\\]\\(https://attacker.example\\)", "\\<img src=x\\>", "a\\|b",
        "\\`x\\`", "\\*\\*y\\*\\*", "\\&\\#x202e;", "\\\\\\\\")) {
      assertTrue(row.contains(escaped), escaped + " in " + row);
    }
    assertNoStackTrace(run);
  }

  @Test
  void deliveriesThatAreNotEventsExit65WithAReason() throws Exception {
    int requestsBefore = botRequests().size();
    List<String> broken = List.of(
        "this is not json",
        "{\"eventType\": 42}",
        "[" + "[".repeat(2_000) + "]".repeat(2_000) + "]",
        "[\"" + "x".repeat(1_100_000) + "\"]",
        "[1, 2, 3]",
        "{}");
    for (String delivery : broken) {
      CliProcess.Result run = CliProcess.run(sandbox, temp, Map.of(), delivery, "handle");
      assertEquals(ExitCode.DATA_ERROR, run.exit(), delivery.substring(0, Math.min(40, delivery.length())));
      assertEquals("", run.stdout());
      assertTrue(run.stderr().contains("driftguard: not an Event Grid delivery:"), run.stderr());
      assertNoStackTrace(run);
    }
    assertEquals(requestsBefore, botRequests().size());
  }

  private static List<RecordedRequest> botRequests() {
    return sandbox.arm().requests().stream().filter(request -> sandbox.botObjectId().equals(request.callerObjectId())).toList();
  }
}
