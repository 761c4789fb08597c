package io.driftguard.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Azurite's Table and Queue services (the Azure Storage emulator, from npm) as a child process on free loopback ports,
 * in memory (its Blob service, which the one binary also starts, gets a free port too and is not used).
 * The sandbox build installs it ({@code mvn -pl sandbox install}); {@link #start()} looks for it in
 * {@code ~/.cache/driftguard/azurite-3.35.0}, or in the directory given by system property
 * {@code driftguard.azurite.home} or environment variable {@code AZURITE_HOME}.
 *
 * <pre>{@code
 * try (Azurite azurite = Azurite.start()) {
 *     TableServiceClient tables = new TableServiceClientBuilder().connectionString(azurite.connectionString())
 *             .buildClient();
 * }
 * }</pre>
 */
public final class Azurite implements AutoCloseable {
  /** Keep in step with {@code azurite.version} in the sandbox pom: 3.36 and later need Node 21. */
  public static final String VERSION = "3.35.0";
  static final String HOME_PROPERTY = "driftguard.azurite.home";
  static final String HOME_ENV = "AZURITE_HOME";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final String LOOPBACK = "127.0.0.1";
  private static final String ACCOUNT = "devstoreaccount1";
  /** Azurite's well-known development key (as in its source and documentation): not a secret. */
  private static final String ACCOUNT_KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private final Process process;
  private final int tablePort;
  private final int queuePort;
  private final Path log;
  private final Thread shutdownHook;

  private Azurite(Process process, int tablePort, int queuePort, Path log) {
    this.process = process;
    this.tablePort = tablePort;
    this.queuePort = queuePort;
    this.log = log;
    // A JVM that exits without close() (a failed test run, Ctrl-C) must not leave Azurite behind.
    this.shutdownHook = new Thread(this::stop, "driftguard-azurite-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts Azurite from the installed copy and returns once its Table and Queue ports accept connections. */
  public static Azurite start() {
    String home = System.getProperty(HOME_PROPERTY, System.getenv(HOME_ENV));
    return start(home != null
        ? Path.of(home)
        : Path.of(System.getProperty("user.home"), ".cache", "driftguard", "azurite-" + VERSION));
  }

  static Azurite start(Path home) {
    Path binary = home.resolve("node_modules").resolve(".bin")
        .resolve(System.getProperty("os.name").startsWith("Windows") ? "azurite.cmd" : "azurite");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException("Azurite " + VERSION + " is not installed: " + binary + " is missing. "
          + "Install it with `mvn -pl sandbox install`, or: npm install --no-audit --no-fund --no-save "
          + "--prefix " + home + " azurite@" + VERSION);
    }
    try {
      int tablePort = freePort();
      int queuePort = freePort();
      Path log = Files.createTempFile("driftguard-azurite-", ".log");
      Process process = new ProcessBuilder(binary.toString(), "--silent", "--inMemoryPersistence",
          "--disableTelemetry", "--tableHost", LOOPBACK, "--tablePort", Integer.toString(tablePort),
          "--queueHost", LOOPBACK, "--queuePort", Integer.toString(queuePort),
          "--blobHost", LOOPBACK, "--blobPort", Integer.toString(freePort()))
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      Azurite azurite = new Azurite(process, tablePort, queuePort, log);
      try {
        azurite.awaitPort(tablePort);
        azurite.awaitPort(queuePort);
        return azurite;
      } catch (RuntimeException e) {
        azurite.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Azurite from " + binary, e);
    }
  }

  /** For the Table and Queue client builders' {@code connectionString(...)}: the development account on this instance. */
  public String connectionString() {
    return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + ACCOUNT_KEY
        + ";TableEndpoint=http://" + LOOPBACK + ":" + tablePort + "/" + ACCOUNT
        + ";QueueEndpoint=http://" + LOOPBACK + ":" + queuePort + "/" + ACCOUNT + ";";
  }

  public int tablePort() {
    return tablePort;
  }

  public int queuePort() {
    return queuePort;
  }

  /** Stops Azurite (and anything it started) and deletes its log; calling it again does nothing. */
  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook runs (or ran) stop() anyway.
    }
  }

  private void awaitPort(int port) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Azurite exited with " + process.exitValue() + " on start:\n" + logTail());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(LOOPBACK, port), 200);
        return;
      } catch (IOException notYet) {
        sleep(Duration.ofMillis(50));
      }
    }
    throw new IllegalStateException("Azurite did not open port " + port + " within " + START_TIMEOUT
        + ":\n" + logTail());
  }

  /** Descendants first, collected while they are still ours: once the parent dies they are re-parented. */
  private void stop() {
    List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle handle : tree) {
      handle.onExit().completeOnTimeout(handle, 5, TimeUnit.SECONDS).join();
      if (handle.isAlive()) {
        handle.destroyForcibly();
      }
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Free now; Azurite binds it a moment later, so another process could take it in between (rare on loopback). */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Azurite", e);
    }
  }
}
