package io.driftguard.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The release {@code mvn package} writes to {@code functions/target/release} (infra/README.md, "A release to deploy"):
 * the versioned zip that {@code az functionapp deployment source config-zip} takes, its SHA-256 in the form
 * {@code sha256sum -c} reads, and a CycloneDX bill of materials naming every jar the zip carries, with its hash.
 */
class FunctionReleaseIT {

  private static final Path RELEASE = Path.of("target", "release");
  private static final Path APP = Path.of("target", "azure-functions", "driftguard");
  private static final String NAME = "driftguard-functions-" + System.getProperty("project.version");

  @Test
  void theZipIsTheFunctionsPackageWithTheHostFilesAtItsRoot() throws IOException {
    assertFalse(System.getProperty("project.version", "").isEmpty(), "failsafe passes project.version");
    try (ZipFile zip = new ZipFile(RELEASE.resolve(NAME + ".zip").toFile())) {
      assertTrue(zip.getEntry("host.json") != null, "host.json at the root, as config-zip expects");
      for (String function : List.of("OnResourceWrite", "Reconcile", "SweepSubscription", "SweepAbandoned", "Warmup")) {
        assertTrue(zip.getEntry(function + "/function.json") != null, function + "/function.json");
      }
      List<Path> files = regularFiles(APP);
      for (Path file : files) {
        String entry = APP.relativize(file).toString().replace('\\', '/');
        ZipEntry zipped = zip.getEntry(entry);
        assertTrue(zipped != null, "the zip lacks " + entry);
        try (InputStream in = zip.getInputStream(zipped)) {
          assertEquals(sha256(Files.readAllBytes(file)), sha256(in.readAllBytes()), entry + " differs from the build's");
        }
      }
      assertEquals(files.size(), zip.stream().filter(entry -> !entry.isDirectory()).count(),
          "the zip holds the Functions package and nothing else");
    }
  }

  @Test
  void theChecksumFileNamesTheZipAndMatchesIt() throws IOException {
    String line = Files.readString(RELEASE.resolve(NAME + ".zip.sha256")).strip();
    // sha256sum's format: the hash, a space, '*' (binary) or ' ', the file name relative to the file's directory.
    Matcher checksum = Pattern.compile("([0-9a-f]{64}) [ *](\\S+)").matcher(line);
    assertTrue(checksum.matches(), "not a sha256sum line: " + line);
    assertEquals(NAME + ".zip", checksum.group(2));
    assertEquals(sha256(Files.readAllBytes(RELEASE.resolve(NAME + ".zip"))), checksum.group(1));
  }

  @Test
  void theBillOfMaterialsNamesEveryJarInThePackageWithItsHash() throws IOException {
    Path bomFile = RELEASE.resolve(NAME + ".cdx.json");
    assertTrue(Files.isRegularFile(bomFile), "no " + bomFile + ": the CycloneDX plugin does not run in an offline build"
        + " (mvn -o skips it with a warning); build the release without -o (it needs nothing outside ~/.m2)");
    JsonNode bom = new ObjectMapper().readTree(bomFile.toFile());
    assertEquals("CycloneDX", bom.get("bomFormat").asText());
    assertEquals("driftguard-functions", bom.at("/metadata/component/name").asText());
    assertEquals(System.getProperty("project.version"), bom.at("/metadata/component/version").asText());
    Map<String, String> sha256ByJar = new HashMap<>();
    for (JsonNode component : bom.get("components")) {
      String jar = component.get("name").asText() + "-" + component.get("version").asText() + ".jar";
      for (JsonNode hash : component.path("hashes")) {
        if (hash.get("alg").asText().equals("SHA-256")) {
          sha256ByJar.put(jar, hash.get("content").asText());
        }
      }
    }
    try (ZipFile zip = new ZipFile(RELEASE.resolve(NAME + ".zip").toFile())) {
      List<? extends ZipEntry> jars = zip.stream().filter(entry -> entry.getName().matches("lib/[^/]+\\.jar")).toList();
      assertTrue(jars.size() > 10, "the package's dependencies: " + jars);
      for (ZipEntry jar : jars) {
        String name = jar.getName().substring("lib/".length());
        assertTrue(sha256ByJar.containsKey(name), "the bill of materials does not name " + name);
        try (InputStream in = zip.getInputStream(jar)) {
          assertEquals(sha256ByJar.get(name), sha256(in.readAllBytes()), name + ": its hash in the bill of materials");
        }
      }
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Path> regularFiles(Path directory) throws IOException {
    try (Stream<Path> walk = Files.walk(directory)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }
}
