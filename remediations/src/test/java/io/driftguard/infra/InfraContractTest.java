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

/** The data files infra/ deploys from say exactly what the code does. */
class InfraContractTest {

  static final Path INFRA = Path.of("..", "infra");

  static JsonNode read(String file) throws IOException {
    return new ObjectMapper().readTree(INFRA.resolve(file).toFile());
  }

  static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.isTextual() ? value.asText() : value.get("action").asText()));
    return values;
  }

  @Test
  void theRoleGrantsExactlyTheActionsTheCodeNeeds() throws IOException {
    Set<String> needed = new TreeSet<>();
    ControlCatalog.defaults().documents().forEach(document -> {
      needed.addAll(document.readActions());
      needed.addAll(document.writeActions());
      needed.addAll(document.listActions());
    });
    assertEquals(needed, new TreeSet<>(texts(read("permissions.json").get("actions"))));
  }

  @Test
  void theRoleHoldsNothingFromTheDenyListAndNoWildcard() throws IOException {
    JsonNode permissions = read("permissions.json");
    List<String> granted = texts(permissions.get("actions"));
    List<String> denied = texts(permissions.at("/denied/actions"));
    assertTrue(denied.contains("Microsoft.Web/sites/config/list/action"));
    for (String action : granted) {
      assertFalse(denied.contains(action), action);
      assertFalse(action.contains("*"), action);
      assertFalse(action.endsWith("/delete") || action.endsWith("/action"), action);
    }
    permissions.get("actions").forEach(action -> assertFalse(action.get("why").asText().isBlank()));
  }

  @Test
  void intakeHandlesExactlyTheDocumentsTheCatalogReads() {
    assertEquals(Set.copyOf(Documents.ALL), ControlCatalog.defaults().documents());
  }

  @Test
  void theEventFilterListsExactlyTheOperationsTheEngineHandles() throws IOException {
    JsonNode filter = read("event-filter.json");
    assertEquals(List.of(EventIntake.WRITE_SUCCESS), texts(filter.get("includedEventTypes")));
    assertEquals(HandledOperations.ALL, texts(filter.get("operationNames")));
    // Tags API writes are events to handle, not actions of driftguard's: the tags come with the site GET.
    assertTrue(HandledOperations.ALL.contains("Microsoft.Resources/tags/write"));
    assertFalse(texts(read("permissions.json").get("actions")).stream().anyMatch(action -> action.startsWith("Microsoft.Resources/")));
  }
}
