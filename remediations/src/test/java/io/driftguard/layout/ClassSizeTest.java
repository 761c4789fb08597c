package io.driftguard.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each class of the engine module is small enough to read at once (issue 20): no source file of
 * {@code remediations/src/main} over {@value #MAX_LINES} lines, nested classes counted with the class that holds them.
 */
class ClassSizeTest {

  private static final int MAX_LINES = 300;
  private static final Path MAIN_SOURCES = Path.of("src", "main", "java");

  @Test
  void noClassOfTheEngineModuleExceedsThreeHundredLines() throws IOException {
    List<String> tooLong;
    try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
      List<Path> sources = files.filter(file -> file.toString().endsWith(".java")).sorted().toList();
      assertFalse(sources.isEmpty(), "no sources under " + MAIN_SOURCES.toAbsolutePath());
      tooLong = sources.stream()
          .filter(file -> lines(file) > MAX_LINES)
          .map(file -> MAIN_SOURCES.relativize(file) + " (" + lines(file) + " lines)")
          .toList();
    }
    assertEquals(List.of(), tooLong, "classes over " + MAX_LINES + " lines: split them along their seams");
  }

  private static long lines(Path file) {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
