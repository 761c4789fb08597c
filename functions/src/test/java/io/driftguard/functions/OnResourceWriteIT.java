package io.driftguard.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.microsoft.azure.functions.ExecutionContext;
import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.sandbox.Caller;
import io.driftguard.sandbox.FakeArm;
import io.driftguard.sandbox.Fault;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SandboxOptions;
import io.driftguard.sandbox.SiteHandle;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Event Grid function as the host calls it (no host can run here): returning acknowledges the delivery,
 * throwing makes Event Grid deliver it again.
 */
class OnResourceWriteIT {

  private static final Caller ALICE = Caller.user("alice@contoso.com", "Alice Admin", "11111111-1111-1111-1111-111111111111", "203.0.113.7");
  private static Sandbox sandbox;
  private static OnResourceWrite function;
  private final List<LogRecord> logged = new ArrayList<>();

  @BeforeAll
  static void wireTheFunctionToTheSandbox() {
    URI identity = URI.create(System.getenv("IDENTITY_ENDPOINT"));
    sandbox = Sandbox.start(SandboxOptions.defaults().withIdentityPort(identity.getPort())
        .withIdentityHeader(System.getenv("IDENTITY_HEADER")));
    Settings settings = Settings.from(Map.of(
        "DRIFTGUARD_MODE", "autofix",
        "DRIFTGUARD_ARM_ENDPOINT", sandbox.armEndpoint().toString(),
        "IDENTITY_ENDPOINT", System.getenv("IDENTITY_ENDPOINT"),
        "IDENTITY_HEADER", System.getenv("IDENTITY_HEADER")));
    var engine = Driftguard.builder(settings)
        .httpClient(new JdkHttpClientBuilder(HttpClient.newBuilder().sslContext(sandbox.sslContext())).build())
        .retryBaseDelay(Duration.ofMillis(20))
        .build();
    function = new OnResourceWrite(() -> engine);
  }

  @AfterAll
  static void stop() {
    List<RecordedRequest> requests = sandbox.arm().requests();
    assertTrue(requests.stream().anyMatch(request -> !request.method().equals("GET")), "the tests made fixes");
    assertEquals(List.of(), requests.stream().filter(FakeArm::isSecretRevealing).toList());
    assertEquals(List.of(), requests.stream().filter(FakeArm::isWholeDocumentPut).toList());
    sandbox.close();
  }

  private ExecutionContext context() {
    Logger logger = Logger.getAnonymousLogger();
    logger.setUseParentHandlers(false);
    logger.addHandler(new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
    return new ExecutionContext() {
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
        return "OnResourceWrite";
      }
    };
  }

  private static String driftEvent(String name) {
    SiteHandle app = sandbox.arm().seedSite("00000000-0000-0000-0000-0000000f0000", "rg", name, "functionapp", Map.of(),
        true, Map.of("ftpsState", "Disabled", "minTlsVersion", "1.2", "remoteDebuggingEnabled", false));
    sandbox.arm().write(ALICE, "PATCH", app.webConfigId(), "{\"properties\":{\"ftpsState\":\"AllAllowed\"}}");
    List<String> events = sandbox.arm().drainEmittedEvents();
    return events.get(events.size() - 1);
  }

  @Test
  void aHandledEventReturnsAndLogsItsDecision() {
    function.run(driftEvent("func-fn-1"), context());
    assertEquals(1, logged.size());
    assertTrue(logged.get(0).getMessage().contains("\"outcome\":\"fixed\""), logged.get(0).getMessage());
  }

  @Test
  void aRetryableFailureThrowsSoEventGridRedelivers() {
    String event = driftEvent("func-fn-2");
    sandbox.arm().inject(Fault.on("GET", "func-fn-2").status(503).times(Fault.ALWAYS));
    try {
      RetryableFailureException thrown = assertThrows(RetryableFailureException.class, () -> function.run(event, context()));
      assertTrue(thrown.getMessage().contains("will be delivered again"));
    } finally {
      sandbox.arm().clearFaults();
    }
    function.run(event, context());
    assertTrue(logged.get(logged.size() - 1).getMessage().contains("\"outcome\":\"fixed\""));
  }

  @Test
  void anUnreadableDeliveryIsAcknowledgedWithAWarning() {
    function.run("{\"not\":\"an event\"}", context());
    assertEquals(1, logged.size());
    assertTrue(logged.get(0).getMessage().startsWith("driftguard refused a delivery"));
  }
}
