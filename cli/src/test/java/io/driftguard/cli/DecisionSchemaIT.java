package io.driftguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.engine.Action;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Finding;
import io.driftguard.engine.Outcome;
import io.driftguard.sandbox.Azurite;
import io.driftguard.sandbox.Caller;
import io.driftguard.sandbox.Fault;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SiteHandle;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision schema, outcomes and actions that docs/engine.md ("Reading a decision") documents are the ones the code
 * defines and the ones {@code handle} and {@code scan --format json} print: a key, an outcome or an action added to one
 * and not the other fails here.
 */
class DecisionSchemaIT {

  private static final Path PAGE = Path.of("..", "docs", "engine.md");
  private static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000d0c5a";
  private static final Caller ALICE = Caller.user("alice@contoso.com", "Alice Admin", "11111111-1111-1111-1111-111111111111", "203.0.113.7");
  private static final Pattern NAME = Pattern.compile("`([^`]+)`");

  @TempDir
  Path temp;

  @Test
  void theDocumentedKeysOutcomesAndActionsAreTheCodes() throws IOException {
    assertEquals(components(Decision.class), documented("| decision key | present | meaning |").keySet());
    assertEquals(components(Finding.class), documented("| finding key | present | meaning |").keySet());
    assertEquals(Arrays.stream(Outcome.values()).map(Outcome::label).collect(Collectors.toCollection(TreeSet::new)),
        documented("| outcome | meaning |").keySet());
    assertEquals(Arrays.stream(Action.values()).map(Action::label).collect(Collectors.toCollection(TreeSet::new)),
        documented("| action | meaning |").keySet());
  }

  @Test
  void whatHandleAndScanPrintIsWhatTheDocsSay() throws Exception {
    Map<String, String> decisionKeys = documented("| decision key | present | meaning |");
    Map<String, String> findingKeys = documented("| finding key | present | meaning |");
    Set<String> outcomes = documented("| outcome | meaning |").keySet();
    Set<String> actions = documented("| action | meaning |").keySet();

    try (Sandbox sandbox = Sandbox.start()) {
      Set<String> printedKeys = new TreeSet<>();
      Set<String> printedOutcomes = new TreeSet<>();
      Set<String> printedActions = new TreeSet<>();
      for (JsonNode decision : printedDecisions(sandbox)) {
        Set<String> keys = fieldNames(decision);
        assertTrue(decisionKeys.keySet().containsAll(keys), "undocumented keys in " + decision);
        assertTrue(keys.containsAll(always(decisionKeys)), "a key documented as always is missing: " + decision);
        printedKeys.addAll(keys);
        assertTrue(outcomes.contains(decision.get("outcome").asText()), decision.toString());
        printedOutcomes.add(decision.get("outcome").asText());
        for (JsonNode finding : decision.get("findings")) {
          Set<String> findingFields = fieldNames(finding);
          assertTrue(findingKeys.keySet().containsAll(findingFields), "undocumented keys in " + finding);
          assertTrue(findingFields.containsAll(always(findingKeys)), "a key documented as always is missing: " + finding);
          assertTrue(actions.contains(finding.get("action").asText()), finding.toString());
          printedActions.add(finding.get("action").asText());
        }
      }
      assertEquals(decisionKeys.keySet(), printedKeys, "every documented decision key is printed by some decision");
      assertTrue(printedOutcomes.containsAll(List.of("fixed", "rejected", "failed", "drifted", "compliant")),
          printedOutcomes.toString());
      assertTrue(printedActions.containsAll(List.of("fixed", "fix-failed", "would-fix", "would-alert", "exempted")),
          printedActions.toString());
    }
  }

  /** The decisions of a fix, a forged event, a refused fix and a dry-run sweep, as the commands print them. */
  private List<JsonNode> printedDecisions(Sandbox sandbox) throws Exception {
    List<JsonNode> decisions = new ArrayList<>();
    // A fix with Table storage down (warnings), and a forged event (rejected).
    String drift = driftEvent(sandbox, "func-schema-fixed");
    String forged = driftEvent(sandbox, "func-schema-forged")
        .replace("func-schema-forged/config/web", "func-schema-forged/%2e%2e/config/web");
    decisions.addAll(run(sandbox, Map.of("DRIFTGUARD_MODE", "autofix", "AzureWebJobsStorage", storageDown(),
        "DRIFTGUARD_EVENT_BUDGET", "25s"), "[" + drift + "," + forged + "]", "handle").jsonLines());
    // A fix ARM refuses (fix-failed, with its detail).
    String refused = driftEvent(sandbox, "func-schema-refused");
    sandbox.arm().inject(Fault.on("PATCH", "func-schema-refused").status(403).times(Fault.ALWAYS));
    try {
      decisions.addAll(run(sandbox, Map.of("DRIFTGUARD_MODE", "autofix"), refused, "handle").jsonLines());
    } finally {
      sandbox.arm().clearFaults();
    }
    // A dry-run sweep: drifted apps, would-fix and would-alert findings, an exemption with its end, compliant apps.
    sandbox.arm().seedSite(SUBSCRIPTION, "rg-schema", "func-schema-notify", "functionapp",
        Map.of("driftguard-mode", "notify"), true, with("ftpsState", "AllAllowed"));
    sandbox.arm().seedSite(SUBSCRIPTION, "rg-schema", "func-schema-exempt", "functionapp",
        Map.of("driftguard-exempt", "min-tls", "driftguard-exempt-reason", "old clients",
            "driftguard-exempt-until", LocalDate.now(ZoneOffset.UTC).plusDays(30).toString()),
        true, with("minTlsVersion", "1.0"));
    List<JsonNode> scanned = run(sandbox, Map.of("DRIFTGUARD_MODE", "autofix"), "", "scan", "--subscription", SUBSCRIPTION,
        "--format", "json").jsonLines();
    assertTrue(scanned.get(scanned.size() - 1).has("summary"), "the last line is the summary");
    decisions.addAll(scanned.subList(0, scanned.size() - 1));
    return decisions;
  }

  private CliProcess.Result run(Sandbox sandbox, Map<String, String> settings, String stdin, String... command)
      throws Exception {
    return CliProcess.run(sandbox, temp, settings, stdin, command);
  }

  /** A new, compliant function app, then Alice lowers its minimum TLS version: the write's event. */
  private static String driftEvent(Sandbox sandbox, String name) {
    SiteHandle app = CatalogSeeds.secureBeyondSiteAndConfig(sandbox.arm(),
        sandbox.arm().seedSite(SUBSCRIPTION, "rg-schema", name, "functionapp", Map.of(), true, CatalogSeeds.SECURE_CONFIG));
    sandbox.arm().drainEmittedEvents();
    sandbox.arm().write(ALICE, "PATCH", app.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.0\"}}");
    return sandbox.arm().drainEmittedEvents().get(0);
  }

  private static Map<String, Object> with(String property, Object value) {
    Map<String, Object> config = new HashMap<>(CatalogSeeds.SECURE_CONFIG);
    config.put(property, value);
    return config;
  }

  /** Table storage that is down: an Azurite started and stopped again. */
  private static String storageDown() {
    try (Azurite stopped = Azurite.start()) {
      return stopped.connectionString();
    }
  }

  /** The names in the first cell of each row of the docs/engine.md table under {@code header}, with the row's second cell. */
  private static Map<String, String> documented(String header) throws IOException {
    List<String> lines = Files.readAllLines(PAGE);
    int start = lines.indexOf(header);
    assertTrue(start >= 0, "docs/engine.md has the table, header: " + header);
    Map<String, String> names = new TreeMap<>();
    lines.subList(start + 2, lines.size()).stream().takeWhile(line -> line.startsWith("|")).forEach(line -> {
      String[] cells = line.split("\\|");
      Matcher name = NAME.matcher(cells[1]);
      while (name.find()) {
        names.put(name.group(1), cells[2].strip());
      }
    });
    assertTrue(names.size() > 3, header);
    return names;
  }

  private static Set<String> always(Map<String, String> keys) {
    return keys.entrySet().stream().filter(key -> key.getValue().equals("always")).map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  private static Set<String> components(Class<? extends Record> type) {
    return Stream.of(type.getRecordComponents()).map(RecordComponent::getName).collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
