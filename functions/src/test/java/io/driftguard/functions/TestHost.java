package io.driftguard.functions;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.QueueMessageEncoding;
import com.microsoft.azure.functions.ExecutionContext;
import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.fanout.SweepQueue;
import io.driftguard.sandbox.Azurite;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SandboxOptions;
import io.driftguard.time.Ticker;
import java.time.Clock;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the Functions host gives a function, here where no host can run: an execution context whose log the test
 * reads, and an engine wired from settings against the sandbox, its token endpoint on the port the build reserved.
 * One sandbox serves the whole test JVM: the managed identity credential caches its token process-wide, and a second
 * sandbox would not know the first one's tokens.
 */
final class TestHost {

  private static Sandbox sandbox;
  private static Azurite azurite;

  private TestHost() {}

  /** Small pages, so sweeps page through the site list. */
  static synchronized Sandbox sandbox() {
    if (sandbox == null) {
      URI identity = URI.create(System.getenv("IDENTITY_ENDPOINT"));
      sandbox = Sandbox.start(SandboxOptions.defaults().withPageSize(3).withIdentityPort(identity.getPort())
          .withIdentityHeader(System.getenv("IDENTITY_HEADER")));
      Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close));
    }
    return sandbox;
  }

  /** Table and Queue storage, as the Functions storage account gives driftguard. */
  static synchronized Azurite azurite() {
    if (azurite == null) {
      azurite = Azurite.start();
      Runtime.getRuntime().addShutdownHook(new Thread(azurite::close));
    }
    return azurite;
  }

  /** Azurite's sweep queue, as the host's storage account holds it for the Reconcile fan-out, emptied. */
  static QueueClient emptySweepQueue() {
    QueueClient queue = new QueueClientBuilder().connectionString(azurite().connectionString())
        .queueName(SweepQueue.NAME).messageEncoding(QueueMessageEncoding.BASE64).buildClient();
    queue.createIfNotExists();
    queue.clearMessages();
    return queue;
  }

  static Settings settings(Sandbox sandbox, Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>(extra);
    settings.put("DRIFTGUARD_ARM_ENDPOINT", sandbox.armEndpoint().toString());
    settings.put("IDENTITY_ENDPOINT", System.getenv("IDENTITY_ENDPOINT"));
    settings.put("IDENTITY_HEADER", System.getenv("IDENTITY_HEADER"));
    return Settings.from(settings);
  }

  static Driftguard.Parts engine(Sandbox sandbox, Settings settings) {
    return Driftguard.builder(settings, Clock.systemUTC(), Ticker.SYSTEM)
        .trust(sandbox.trustManager())
        .retryBaseDelay(Duration.ofMillis(20))
        .buildAll();
  }

  /** An execution context that keeps what the function logs. */
  static final class CapturingContext implements ExecutionContext {
    private final List<LogRecord> records = new ArrayList<>();
    private final Logger logger = Logger.getAnonymousLogger();
    private final String functionName;

    CapturingContext(String functionName) {
      this.functionName = functionName;
      logger.setUseParentHandlers(false);
      logger.addHandler(new Handler() {
        @Override
        public void publish(LogRecord record) {
          records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      });
    }

    List<String> messages() {
      return records.stream().map(LogRecord::getMessage).toList();
    }

    @Override
    public Logger getLogger() {
      return logger;
    }

    @Override
    public String getInvocationId() {
      return "invocation-1";
    }

    @Override
    public String getFunctionName() {
      return functionName;
    }
  }
}
