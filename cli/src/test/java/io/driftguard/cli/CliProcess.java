package io.driftguard.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftguard.sandbox.Sandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code driftguard COMMAND} as its own process, configured only through its environment as in Azure Functions:
 * the managed identity and ARM endpoints point at the sandbox, which it trusts through the JVM truststore.
 */
final class CliProcess {

  private static final ObjectMapper JSON = new ObjectMapper();

  record Result(int exit, String stdout, String stderr) {
    List<JsonNode> jsonLines() {
      return stdout.lines().map(line -> {
        try {
          return JSON.readTree(line);
        } catch (IOException e) {
          throw new AssertionError("stdout must hold only JSON lines, got: " + line, e);
        }
      }).toList();
    }
  }

  private CliProcess() {}

  static Result run(Sandbox sandbox, Path temp, Map<String, String> settings, String stdin, String... args) throws Exception {
    return run(sandbox, temp, List.of(), settings, stdin, args);
  }

  /**
   * The JVM as the launcher starts it (the Functions Java worker's options, so an option the JVM refuses fails every
   * process test), with {@code javaOptions} added, e.g. a class-loading log.
   */
  static Result run(Sandbox sandbox, Path temp, List<String> javaOptions, Map<String, String> settings, String stdin,
                    String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(StartBench.WORKER_OPTIONS);
    command.addAll(javaOptions);
    command.addAll(List.of(
        "-Djavax.net.ssl.trustStore=" + sandbox.trustStore(), "-Djavax.net.ssl.trustStorePassword=changeit",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(temp, "stdout", ".txt");
    Path err = Files.createTempFile(temp, "stderr", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("DRIFTGUARD_") || name.startsWith("AzureWebJobsStorage"));
    environment.put("IDENTITY_ENDPOINT", sandbox.identityEndpoint().toString());
    environment.put("IDENTITY_HEADER", sandbox.identityHeader());
    environment.put("DRIFTGUARD_ARM_ENDPOINT", sandbox.armEndpoint().toString());
    environment.putAll(settings);
    Process process = builder.start();
    process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", args) + " did not finish");
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }
}
