package io.driftguard.it;

import static io.driftguard.it.LocalAzure.aliceWrites;
import static io.driftguard.it.LocalAzure.arm;
import static io.driftguard.it.LocalAzure.compliantConfig;
import static io.driftguard.it.LocalAzure.deliver;
import static io.driftguard.it.LocalAzure.engine;
import static io.driftguard.it.LocalAzure.functionApp;
import static io.driftguard.it.LocalAzure.properties;
import static io.driftguard.it.LocalAzure.requestsFor;
import static io.driftguard.it.LocalAzure.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.engine.Action;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Finding;
import io.driftguard.sandbox.Fault;
import io.driftguard.sandbox.SiteHandle;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Only ARM's answer with the resource, showing the fixed value, counts as written: a fix answered with anything else
 * is {@code fix-failed}, whatever the status says. Each answer here is forged by the sandbox, the write not applied.
 */
class WriteAnswerIT {

  private static final String LOWER_TLS = "{\"properties\":{\"minTlsVersion\":\"1.0\"}}";

  @AfterEach
  void clearFaults() {
    arm().clearFaults();
  }

  /** A fix of min-tls answered with {@code status} and {@code body}: the one finding, and the config left as it was. */
  private static Finding fixAnswered(int status, String body) {
    SiteHandle app = functionApp(uniqueName("func-answer-" + status), Map.of(), true, compliantConfig());
    String event = aliceWrites(app.webConfigId(), LOWER_TLS);
    arm().inject(Fault.on("PATCH", app.site() + "/config/web$").answer(status, body).times(Fault.ALWAYS));
    Map<String, String> settings = new HashMap<>(LocalAzure.recordingSettings());
    settings.put("DRIFTGUARD_MODE", "autofix");

    Decision decision = deliver(engine(settings), event);

    String answered = status + " " + body;
    assertEquals("1.0", properties(arm().webConfig(app.id())).get("minTlsVersion"), answered + ": not applied");
    assertEquals(1, requestsFor(app).stream().filter(request -> !request.method().equals("GET")).count(),
        answered + ": one write, no redirect followed");
    assertFalse(decision.retryable(), answered + ": " + decision.reason());
    List<Finding> findings = decision.findings();
    assertEquals(List.of("min-tls"), findings.stream().map(Finding::rule).toList(), answered);
    return findings.get(0);
  }

  private static void assertFixFailed(Finding finding, String why) {
    assertEquals(Action.FIX_FAILED, finding.action(), finding.toString());
    assertTrue(finding.detail().contains(why), finding.detail());
  }

  @Test
  void aWriteAnsweredWithoutTheResourceIsNotFixed() {
    assertFixFailed(fixAnswered(204, ""), "ARM answered HTTP 204 with no body, not the resource");
    assertFixFailed(fixAnswered(202, ""), "ARM answered HTTP 202 with no body, not the resource");
    assertFixFailed(fixAnswered(200, ""), "ARM answered HTTP 200 with no body, not the resource");
    assertFixFailed(fixAnswered(200, "accepted"), "ARM answered HTTP 200, not the resource");
  }

  @Test
  void aWriteAnsweredWithARedirectIsNotFollowedNorFixed() {
    assertFixFailed(fixAnswered(307, ""), "ARM answered HTTP 307 with no body, not the resource");
    assertFixFailed(fixAnswered(302, "{\"properties\":{\"minTlsVersion\":\"1.2\"}}"),
        "ARM answered HTTP 302, not the resource");
  }

  @Test
  void aWriteAnsweredWithADocumentThatDoesNotShowTheFixedValueIsNotFixed() {
    assertFixFailed(fixAnswered(200, "{\"properties\":{\"minTlsVersion\":\"1.0\"}}"), "the value is still 1.0");
    assertFixFailed(fixAnswered(200, "{\"properties\":{}}"), "the value is still (not set)");
  }
}
