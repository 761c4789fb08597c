package io.driftguard.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** The package {@code mvn package} builds for the Functions host (runs after packaging, in the verify phase). */
class FunctionPackageIT {

  private static final Path APP = Path.of("target", "azure-functions", "driftguard");

  /**
   * The function's one binding, after checking that it is a trigger of {@code type} on the function's {@code run}
   * method in a jar the package carries.
   */
  private static JsonNode onlyTrigger(String function, String type) throws Exception {
    JsonNode json = new ObjectMapper().readTree(APP.resolve(function + "/function.json").toFile());
    assertEquals("io.driftguard.functions." + function + ".run", json.get("entryPoint").asText());
    assertTrue(Files.exists(APP.resolve(json.get("scriptFile").asText().replace("../", ""))), function);
    assertEquals(1, json.get("bindings").size(), function);
    JsonNode binding = json.get("bindings").get(0);
    assertEquals(type, binding.get("type").asText(), function);
    assertEquals("in", binding.get("direction").asText(), function);
    return binding;
  }

  @Test
  void onResourceWriteIsAnEventGridTriggerOnTheEngineEntryPoint() throws Exception {
    assertEquals("event", onlyTrigger("OnResourceWrite", "eventGridTrigger").get("name").asText());
  }

  @Test
  void reconcileIsATimerOnTheScheduleSetting() throws Exception {
    JsonNode binding = onlyTrigger("Reconcile", "timerTrigger");
    assertEquals("%DRIFTGUARD_RECONCILE_SCHEDULE%", binding.get("schedule").asText(),
        "the schedule comes from the app setting, so admins change it without a redeploy");
  }

  @Test
  void queuedSweepsAndAbandonedOnesAreQueueTriggersOnTheHostStorage() throws Exception {
    for (String[] expected : new String[][] {
        {"SweepSubscription", "driftguard-sweeps"}, {"SweepAbandoned", "driftguard-sweeps-poison"}}) {
      JsonNode binding = onlyTrigger(expected[0], "queueTrigger");
      assertEquals(expected[1], binding.get("queueName").asText(), expected[0]);
      assertEquals("AzureWebJobsStorage", binding.get("connection").asText(),
          "identity-based in Azure through the AzureWebJobsStorage__* settings");
    }
  }

  @Test
  void warmupIsTheHostsWarmupTriggerOnTheWiring() throws Exception {
    onlyTrigger("Warmup", "warmupTrigger");
  }

  @Test
  void hostJsonLimitsQueueDeliveries() throws Exception {
    JsonNode queues = new ObjectMapper().readTree(APP.resolve("host.json").toFile()).path("extensions").path("queues");
    assertEquals(3, queues.path("maxDequeueCount").asInt(), "a sweep that fails three times is abandoned and reported");
    assertTrue(queues.path("batchSize").asInt() >= 1 && queues.path("batchSize").asInt() <= 4, queues.toString());
    assertEquals("base64", queues.path("messageEncoding").asText("base64"), "the sweep queue client sends Base64");
  }

  @Test
  void thePackageCarriesTheRootHostJsonAndTheEngine() throws Exception {
    assertEquals(Files.readString(Path.of("..", "host.json")).strip(), Files.readString(APP.resolve("host.json")).strip());
    try (var lib = Files.list(APP.resolve("lib"))) {
      assertTrue(lib.anyMatch(jar -> jar.getFileName().toString().startsWith("driftguard-remediations-")));
    }
  }

  /**
   * Every Azure client built without an HTTP client of its own takes the first provider the service loader finds;
   * with two in the package, which one depends on the order the host lists the jars in.
   */
  @Test
  void thePackageCarriesOneHttpClientProviderOkHttp() throws Exception {
    List<String> providers = new ArrayList<>();
    try (var lib = Files.list(APP.resolve("lib"))) {
      for (Path jar : lib.sorted().toList()) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
          if (zip.getEntry("META-INF/services/com.azure.core.http.HttpClientProvider") != null) {
            providers.add(jar.getFileName().toString());
          }
        }
      }
    }
    assertEquals(1, providers.size(), "HTTP client providers: " + providers);
    assertTrue(providers.get(0).startsWith("azure-core-http-okhttp-"), providers.get(0));
  }
}
