package io.driftguard.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.controls.Control;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.policy.ModePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's control table is the catalog's, row for row: a control added to one and not the other fails here. */
class ReadmeControlsTest {

  private static final String HEADER = "| control id | what it checks | document | risk | default |";
  private static final String APPLICABILITY_HEADER = "| control id | not applicable on |";

  static String row(Control control) {
    return "| `" + control.id() + "` | " + control.title() + " | `" + control.document().name() + "` | "
        + control.risk().label() + " | " + (control.optIn() ? "opt-in" : "on") + " |";
  }

  @Test
  void theReadmeControlTableIsTheCatalog() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("..", "README.md"));
    int start = lines.indexOf(HEADER);
    assertTrue(start >= 0, "README.md has the control table, header: " + HEADER);
    List<String> table = lines.subList(start + 2, lines.size()).stream()
        .takeWhile(line -> line.startsWith("|")).toList();
    String expected = ControlCatalog.defaults().all().stream().map(ReadmeControlsTest::row)
        .collect(Collectors.joining("\n"));
    assertEquals(expected, String.join("\n", table), "README.md's control table differs from the catalog");
  }

  static String applicabilityRow(Control control) {
    String cell = control.applicability().exclusions().entrySet().stream()
        .map(exclusion -> exclusion.getKey().label() + ": " + exclusion.getValue()).collect(Collectors.joining("; "));
    return "| `" + control.id() + "` | " + (cell.isEmpty() ? "applies on every hosting model" : cell) + " |";
  }

  @Test
  void theReadmeApplicabilityTableIsTheCatalogs() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("..", "README.md"));
    int start = lines.indexOf(APPLICABILITY_HEADER);
    assertTrue(start >= 0, "README.md has the applicability table, header: " + APPLICABILITY_HEADER);
    List<String> table = lines.subList(start + 2, lines.size()).stream()
        .takeWhile(line -> line.startsWith("|")).toList();
    String expected = ControlCatalog.defaults().all().stream().map(ReadmeControlsTest::applicabilityRow)
        .collect(Collectors.joining("\n"));
    assertEquals(expected, String.join("\n", table), "README.md's applicability table differs from the catalog");
  }

  @Test
  void theReadmeNamesTheTagsThatChooseRiskyModes() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    assertTrue(readme.contains("`" + ModePolicy.ENABLE_TAG + "`") && readme.contains("`" + ModePolicy.AUTOFIX_TAG + "`"));
  }
}
