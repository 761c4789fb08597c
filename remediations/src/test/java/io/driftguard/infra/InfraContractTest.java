package io.driftguard.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftguard.intake.EventIntake;
import io.driftguard.intake.HandledOperations;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.documents.Documents;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The role and the event filter the Bicep templates build from the document catalog, as Bicep computes them, are
 * exactly what the code needs and handles.
 */
class InfraContractTest {

  static final Path INFRA = Path.of("..", "infra");

  static JsonNode read(String file) throws IOException {
    return new ObjectMapper().readTree(INFRA.resolve(file).toFile());
  }

  static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  /** The actions of the role a template builds ({@code main.bicep}, or the management group's), each once. */
  static List<String> roleActions(String template) {
    List<String> actions = texts(BicepTree.evaluate(INFRA.resolve(template), "roleActions"));
    assertEquals(actions.size(), Set.copyOf(actions).size(), template + " grants an action twice: " + actions);
    return actions;
  }

  /** The actions never to grant (infra/permissions.json). */
  static List<String> denied() throws IOException {
    return texts(read("permissions.json").get("denied"));
  }

  @Test
  void theRoleGrantsExactlyTheActionsTheCodeNeeds() {
    Set<String> needed = new TreeSet<>();
    ControlCatalog.defaults().documents().forEach(document -> {
      needed.addAll(document.readActions());
      needed.addAll(document.writeActions());
      needed.addAll(document.listActions());
    });
    assertEquals(needed, new TreeSet<>(roleActions("main.bicep")));
    assertEquals(needed, new TreeSet<>(roleActions("modules/role-management-group.bicep")));
  }

  @Test
  void theRoleHoldsNothingFromTheDenyListAndNoWildcard() throws IOException {
    List<String> denied = denied();
    assertTrue(denied.contains("Microsoft.Web/sites/config/list/action"));
    for (String action : roleActions("main.bicep")) {
      assertFalse(denied.contains(action), action);
      assertFalse(action.contains("*"), action);
      assertFalse(action.endsWith("/delete") || action.endsWith("/action"), action);
    }
  }

  @Test
  void intakeHandlesExactlyTheDocumentsTheCatalogReads() {
    assertEquals(Set.copyOf(Documents.ALL), ControlCatalog.defaults().documents());
  }

  @Test
  void theEventFilterListsExactlyTheOperationsTheEngineHandles() {
    Path main = INFRA.resolve("main.bicep");
    assertEquals(List.of(EventIntake.WRITE_SUCCESS), texts(BicepTree.evaluate(main, "deliveredEventTypes")));
    List<String> operations = texts(BicepTree.evaluate(main, "handledOperations"));
    assertEquals(operations.size(), Set.copyOf(operations).size(), "each operation once: " + operations);
    assertEquals(HandledOperations.ALL, operations.stream().sorted().toList());
    // Tags API writes are events to handle, not actions of driftguard's: the tags come with the site GET.
    assertTrue(HandledOperations.ALL.contains("Microsoft.Resources/tags/write"));
    assertFalse(roleActions("main.bicep").stream().anyMatch(action -> action.startsWith("Microsoft.Resources/")));
  }
}
