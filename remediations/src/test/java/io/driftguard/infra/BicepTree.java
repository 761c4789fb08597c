package io.driftguard.infra;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Bicep files as the tree-sitter Bicep grammar parses them (bicep-syntax.mjs beside this class, run by Node): their
 * syntax errors, and their resource declarations with every property path. The build installs the grammar into
 * {@link #GRAMMAR} (remediations/pom.xml, profile install-bicep-grammar).
 */
public final class BicepTree {

  /** Where the build installs tree-sitter-bicep and web-tree-sitter: keep in step with remediations/pom.xml. */
  static final Path GRAMMAR = Path.of(System.getProperty("user.home"), ".cache", "driftguard", "bicep-syntax-1.1.0");

  private static final Map<Path, List<Resource>> RESOURCES = new ConcurrentHashMap<>();

  /**
   * A resource declaration: its symbol, its type without the API version, and each dotted property path of its body
   * (array items by index, a loop's or condition's body under the path of the loop) to the source text of the value.
   * {@code diagnostics} maps a path to the {@code #disable-next-line} comment right above it.
   */
  record Resource(String symbol, String type, int line, Map<String, String> properties, Map<String, String> diagnostics) {

    /** The value's source text at a path, or null. */
    String get(String path) {
      return properties.get(path);
    }

    @Override
    public String toString() {
      return symbol + " '" + type + "' (line " + line + ")";
    }
  }

  private BicepTree() {
  }

  /** Each file's syntax errors: ERROR nodes and missing tokens, "file:line:column: what: text". */
  static Map<Path, List<String>> syntaxErrors(List<Path> files) {
    Map<Path, List<String>> errors = new LinkedHashMap<>();
    files.forEach(file -> errors.put(file, new ArrayList<>()));
    for (String line : run("errors", absolute(files))) {
      Path file = files.stream().filter(f -> line.startsWith(f.toAbsolutePath() + ":")).findFirst()
          .orElseThrow(() -> new AssertionError("bicep-syntax.mjs: " + line));
      errors.get(file).add(line);
    }
    return errors;
  }

  /**
   * A variable of a file as Bicep computes it at compile time (literals, loaded files, other variables, lambdas); the
   * script refuses what it cannot compute rather than guess.
   */
  public static JsonNode evaluate(Path file, String variable) {
    List<String> lines = run("evaluate", List.of(file.toAbsolutePath().toString(), variable));
    try {
      JsonNode answer = new ObjectMapper().readTree(lines.get(0));
      assertTrue(answer.path("variable").asText().equals(variable), "bicep-syntax.mjs: " + lines);
      return answer.get("value");
    } catch (IOException e) {
      throw new AssertionError("bicep-syntax.mjs: " + lines, e);
    }
  }

  /** The resource declarations of a file, in order. */
  static List<Resource> resources(Path file) {
    return RESOURCES.computeIfAbsent(file.toAbsolutePath().normalize(), path -> {
      ObjectMapper json = new ObjectMapper();
      List<Resource> resources = new ArrayList<>();
      for (String line : run("resources", absolute(List.of(path)))) {
        try {
          JsonNode resource = json.readTree(line);
          resources.add(new Resource(resource.get("symbol").asText(), resource.get("type").asText().replaceAll("@.*$", ""),
              resource.get("line").asInt(), texts(resource.get("properties")), texts(resource.get("diagnostics"))));
        } catch (IOException e) {
          throw new AssertionError("bicep-syntax.mjs: " + line, e);
        }
      }
      return List.copyOf(resources);
    });
  }

  /** The resources of a type (without API version) in a file. */
  static List<Resource> resources(Path file, String type) {
    return resources(file).stream().filter(resource -> resource.type().equals(type)).toList();
  }

  private static Map<String, String> texts(JsonNode object) {
    Map<String, String> texts = new LinkedHashMap<>();
    object.fields().forEachRemaining(field -> texts.put(field.getKey(), field.getValue().asText()));
    return texts;
  }

  private static List<String> absolute(List<Path> files) {
    return files.stream().map(file -> file.toAbsolutePath().toString()).toList();
  }

  private static List<String> run(String mode, List<String> arguments) {
    assertTrue(Files.isRegularFile(GRAMMAR.resolve("node_modules/tree-sitter-bicep/tree-sitter-bicep.wasm")),
        "no Bicep grammar in " + GRAMMAR + ": the build installs it (mvn -pl remediations generate-test-resources)");
    List<String> command = new ArrayList<>(List.of("node", script().toString(), GRAMMAR.toString(), mode));
    command.addAll(arguments);
    try {
      Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(node.waitFor(60, TimeUnit.SECONDS) && node.exitValue() == 0, "bicep-syntax.mjs failed: " + out);
      return out.lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail(e);
    }
  }

  private static Path script() {
    try {
      return Path.of(BicepTree.class.getResource("bicep-syntax.mjs").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
