package io.driftguard.sandbox;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * A local Azure for tests and the demo: an HTTPS fake of ARM for Microsoft.Web sites, an HTTPS fake of the Azure
 * Monitor Logs Ingestion API, and the App Service managed identity endpoint that issues the bot's tokens for both. All
 * listen on loopback only.
 */
public final class Sandbox implements AutoCloseable {
  static final String LOOPBACK = "127.0.0.1";

  static {
    // The JDK's server flushes headers and body apart: without TCP_NODELAY, Nagle's algorithm and the client's
    // delayed ACK add some 40 ms to every answer. Read once, when the JVM starts its first HttpServer.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final SandboxTls tls = new SandboxTls();
  private final Caller bot = Caller.servicePrincipal(
      UUID.randomUUID().toString(), UUID.randomUUID().toString(), "driftguard (managed identity)");
  private final ExecutorService executor = Executors.newCachedThreadPool(daemonThreads());
  private final HttpsServer armServer;
  private final HttpsServer logsServer;
  private final HttpServer identityServer;
  private final ManagedIdentityEndpoint identity;
  private final FakeArm arm;
  private final FakeLogsIngestion logs;
  private final FakeLogAnalytics logAnalytics;
  private final Path trustStore;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Sandbox(SandboxOptions options) throws IOException {
    trustStore = tls.writeTrustStore();
    String tenantId = UUID.randomUUID().toString();
    identity = new ManagedIdentityEndpoint(tenantId, bot, options.identityHeader());
    identityServer = HttpServer.create(new InetSocketAddress(LOOPBACK, options.identityPort()), 64);
    identityServer.createContext("/", identity);
    identityServer.setExecutor(executor);

    HttpsConfigurator https = new HttpsConfigurator(tls.serverContext());
    armServer = HttpsServer.create(new InetSocketAddress(LOOPBACK, options.armPort()), 64);
    armServer.setHttpsConfigurator(https);
    arm = new FakeArm(armEndpoint(), options.pageSize(), tenantId, identity::find);
    arm.throttle(options.throttle());
    armServer.createContext("/", Http.answeringBugsWith500(new ArmHttpHandler(arm, new AdminEndpoint(arm))));
    armServer.setExecutor(executor);

    // Its own port, as a data collection endpoint is its own host in Azure.
    logsServer = HttpsServer.create(new InetSocketAddress(LOOPBACK, options.logsIngestionPort()), 64);
    logsServer.setHttpsConfigurator(https);
    logs = new FakeLogsIngestion(identity::find);
    logsServer.createContext("/", Http.answeringBugsWith500(logs::handle));
    // The Log Analytics query API shares that port under /v1, as a second host would be no more faithful.
    logAnalytics = new FakeLogAnalytics(identity::find);
    logsServer.createContext("/v1/", Http.answeringBugsWith500(logAnalytics::handle));
    logsServer.setExecutor(executor);

    identityServer.start();
    armServer.start();
    logsServer.start();
  }

  public static Sandbox start() {
    return start(SandboxOptions.defaults());
  }

  public static Sandbox start(SandboxOptions options) {
    try {
      return new Sandbox(options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the sandbox", e);
    }
  }

  /** {@code https://127.0.0.1:PORT/}: the fake's {@code resourceManagerEndpointUrl}. */
  public URI armEndpoint() {
    return URI.create("https://" + LOOPBACK + ":" + armServer.getAddress().getPort() + "/");
  }

  /**
   * {@code https://127.0.0.1:PORT}, no trailing slash: the data collection endpoint, as given to
   * {@code LogsIngestionClientBuilder.endpoint(...)}.
   */
  public URI logsIngestionEndpoint() {
    return URI.create("https://" + LOOPBACK + ":" + logsServer.getAddress().getPort());
  }

  /** {@code https://127.0.0.1:PORT/v1}: the Log Analytics query endpoint, as given to {@code LogsQueryClientBuilder}. */
  public URI logAnalyticsEndpoint() {
    return URI.create(logsIngestionEndpoint() + "/v1");
  }

  /** {@code http://127.0.0.1:PORT/msi/token}: plain http, as {@code IDENTITY_ENDPOINT} on App Service. */
  public URI identityEndpoint() {
    return URI.create("http://" + LOOPBACK + ":" + identityServer.getAddress().getPort()
        + ManagedIdentityEndpoint.PATH);
  }

  /** The secret the token endpoint requires in header {@code X-IDENTITY-HEADER} ({@code IDENTITY_HEADER}). */
  public String identityHeader() {
    return identity.identityHeader();
  }

  /** Trusts the sandbox certificate (only), e.g. for {@code HttpClient.newBuilder().sslContext(...)}. */
  public SSLContext sslContext() {
    return tls.clientContext();
  }

  /** Trusts the sandbox certificate (only), for clients that take a trust manager, such as OkHttp. */
  public X509TrustManager trustManager() {
    return tls.trustManager();
  }

  /** A PKCS12 truststore with the sandbox certificate, password {@code changeit}; deleted on close. */
  public Path trustStore() {
    return trustStore;
  }

  /** The {@code oid} of the managed identity the token endpoint issues tokens for. */
  public String botObjectId() {
    return bot.objectId();
  }

  public FakeArm arm() {
    return arm;
  }

  public FakeLogsIngestion logs() {
    return logs;
  }

  /** The workspace the subscriptions' Activity Log is exported to. */
  public FakeLogAnalytics logAnalytics() {
    return logAnalytics;
  }

  /** Starts an HTTPS host outside the sandbox's Azure, trusted like it, to catch credentials sent where they must not go. */
  public ForeignHost startForeignHost() {
    return new ForeignHost(tls);
  }

  /** Requests received by the token endpoint; tokens themselves are never logged. */
  public List<RecordedRequest> tokenRequests() {
    return identity.requests();
  }

  /** Stops the servers and deletes the truststore; calling it again does nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    armServer.stop(0);
    logsServer.stop(0);
    identityServer.stop(0);
    executor.shutdownNow();
    try {
      Files.deleteIfExists(trustStore);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "driftguard-sandbox-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
