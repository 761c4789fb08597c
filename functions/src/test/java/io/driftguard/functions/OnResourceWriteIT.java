package io.driftguard.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.sandbox.Caller;
import io.driftguard.sandbox.FakeArm;
import io.driftguard.sandbox.Fault;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SiteHandle;
import java.util.List;
import java.util.Map;
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
  private final TestHost.CapturingContext context = new TestHost.CapturingContext("OnResourceWrite");

  @BeforeAll
  static void wireTheFunctionToTheSandbox() {
    sandbox = TestHost.sandbox();
    var engine = TestHost.engine(sandbox, TestHost.settings(sandbox, Map.of("DRIFTGUARD_MODE", "autofix"))).engine();
    function = new OnResourceWrite(() -> engine);
  }

  @AfterAll
  static void noSecretWasReadAndNoWholeDocumentWasPut() {
    List<RecordedRequest> requests = sandbox.arm().requests();
    assertTrue(requests.stream().anyMatch(request -> !request.method().equals("GET")), "the tests made fixes");
    assertEquals(List.of(), requests.stream().filter(FakeArm::isSecretRevealing).toList());
    assertEquals(List.of(), requests.stream().filter(FakeArm::isWholeDocumentPut).toList());
    assertEquals(List.of(), requests.stream().filter(FakeArm::isWriteBeyondControlledDocuments).toList());
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
    function.run(driftEvent("func-fn-1"), context);
    assertEquals(1, context.messages().size());
    assertTrue(context.messages().get(0).contains("\"outcome\":\"fixed\""), context.messages().get(0));
  }

  @Test
  void aRetryableFailureThrowsSoEventGridRedelivers() {
    String event = driftEvent("func-fn-2");
    sandbox.arm().inject(Fault.on("GET", "func-fn-2").status(503).times(Fault.ALWAYS));
    try {
      RetryableFailureException thrown = assertThrows(RetryableFailureException.class, () -> function.run(event, context));
      assertTrue(thrown.getMessage().contains("will be delivered again"));
    } finally {
      sandbox.arm().clearFaults();
    }
    function.run(event, context);
    List<String> messages = context.messages();
    assertTrue(messages.get(messages.size() - 1).contains("\"outcome\":\"fixed\""));
  }

  @Test
  void anUnreadableDeliveryIsAcknowledgedWithAWarning() {
    function.run("{\"not\":\"an event\"}", context);
    assertEquals(1, context.messages().size());
    assertTrue(context.messages().get(0).startsWith("driftguard refused a delivery"));
  }
}
