package io.driftguard.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.controls.Control;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.documents.Document;
import io.driftguard.documents.Documents;
import io.driftguard.documents.WriteVerb;
import io.driftguard.policy.ModePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The tables of controls, of documents and of applicability in docs/controls.md are the catalog's, row for row: a
 * control or a document added to one and not the other fails here.
 */
class ReadmeControlsTest {

  private static final String HEADER = "| control id | what it checks | document | risk | default |";
  private static final String DOCUMENTS_HEADER = "| document | read | fix | RBAC actions (sites; slots alike) | why |";
  private static final String APPLICABILITY_HEADER = "| control id | not applicable on |";
  private static final Path CONTROLS_PAGE = Path.of("..", "docs", "controls.md");
  private static final Path EXEMPTIONS_PAGE = Path.of("..", "docs", "exemptions.md");

  static String row(Control control) {
    return "| `" + control.id() + "` | " + control.title() + " | `" + control.document().name() + "` | "
        + control.risk().label() + " | " + (control.optIn() ? "opt-in" : "on") + " |";
  }

  static String row(Document document) {
    String actions = Stream.of(document.readActions(), document.writeActions(), document.listActions())
        .flatMap(List::stream).filter(action -> !action.startsWith("Microsoft.Web/sites/slots/"))
        .map(action -> "`" + action + "`").collect(Collectors.joining(", "));
    String why = "read: " + document.why().read() + document.why().write().map(write -> "; fix: " + write).orElse("")
        + document.why().list().map(list -> "; list: " + list).orElse("");
    return "| `" + document.name() + "` | GET | " + document.write().map(WriteVerb::name).orElse("never written")
        + " | " + actions + " | " + why + " |";
  }

  static String applicabilityRow(Control control) {
    String cell = control.applicability().exclusions().entrySet().stream()
        .map(exclusion -> exclusion.getKey().label() + ": " + exclusion.getValue()).collect(Collectors.joining("; "));
    return "| `" + control.id() + "` | " + (cell.isEmpty() ? "applies on every hosting model" : cell) + " |";
  }

  @Test
  void theReadmeControlTableIsTheCatalog() throws IOException {
    String expected = ControlCatalog.defaults().all().stream().map(ReadmeControlsTest::row)
        .collect(Collectors.joining("\n"));
    assertEquals(expected, table(HEADER), "docs/controls.md's control table differs from the catalog");
  }

  @Test
  void theReadmeDocumentTableIsTheCatalogs() throws IOException {
    String expected = Documents.ALL.stream().map(ReadmeControlsTest::row).collect(Collectors.joining("\n"));
    assertEquals(expected, table(DOCUMENTS_HEADER), "docs/controls.md's document table differs from the catalog infra/documents.json");
  }

  @Test
  void theReadmeApplicabilityTableIsTheCatalogs() throws IOException {
    String expected = ControlCatalog.defaults().all().stream().map(ReadmeControlsTest::applicabilityRow)
        .collect(Collectors.joining("\n"));
    assertEquals(expected, table(APPLICABILITY_HEADER), "docs/controls.md's applicability table differs from the catalog");
  }

  /** The rows of the docs/controls.md table under {@code header}, as text. */
  private static String table(String header) throws IOException {
    List<String> lines = Files.readAllLines(CONTROLS_PAGE);
    int start = lines.indexOf(header);
    assertTrue(start >= 0, "docs/controls.md has the table, header: " + header);
    return String.join("\n", lines.subList(start + 2, lines.size()).stream()
        .takeWhile(line -> line.startsWith("|")).toList());
  }

  @Test
  void theReadmeNamesTheTagsThatChooseRiskyModes() throws IOException {
    String page = Files.readString(EXEMPTIONS_PAGE);
    assertTrue(page.contains("`" + ModePolicy.ENABLE_TAG + "`") && page.contains("`" + ModePolicy.AUTOFIX_TAG + "`"),
        "docs/exemptions.md names the tags");
  }
}
