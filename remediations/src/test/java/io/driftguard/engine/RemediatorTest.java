package io.driftguard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.documents.Documents;
import io.driftguard.intake.TestEvents;
import io.driftguard.policy.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole pipeline over in-memory ports: one event from delivery to alert, and the order of its calls. */
class RemediatorTest {

  private final InMemoryPorts ports = new InMemoryPorts();

  @Test
  void aDriftedEventIsClaimedReadFixedRecordedAndAlertedInThatOrder() throws Exception {
    ports.documents.properties(Documents.WEB_CONFIG).put("minTlsVersion", "1.0");

    List<Decision> decisions = ports.engine(Mode.AUTOFIX).handleDelivery(
        TestEvents.configWrite(InMemoryPorts.APP).toString());

    assertEquals(Outcome.FIXED, decisions.get(0).outcome(), decisions.get(0).reason());
    assertEquals("1.2", ports.documents.properties(Documents.WEB_CONFIG).get("minTlsVersion").asText());
    assertEquals(List.of(
        "claim",
        "read site", "read config/web", "read basicPublishingCredentialsPolicies/ftp",
        "read basicPublishingCredentialsPolicies/scm",
        "may fix min-tls", "intend [min-tls]",
        "write config/web {\"minTlsVersion\":\"1.2\"}",
        "earlier findings", "fixed min-tls after alice@contoso.com", "audit fixed", "alert fixed",
        "done"), ports.log, "storage at the start, before the write and at the end");
  }

  @Test
  void aSweepsRefusedListingEntersThroughTheSameDoor() {
    Decision refused = ports.engine(Mode.AUTOFIX)
        .handle(Arrival.refused("/subscriptions/other/sites/x", "another subscription", "run-1", false));

    assertEquals(Outcome.FAILED, refused.outcome());
    assertTrue(refused.eventId().startsWith("sweep-run-1-refused-"), refused.eventId());
    assertEquals(List.of("alert refused listing"), ports.log);
  }

  @Test
  void onlyTheSitesOwnAbsenceMeansTheAppIsGone() {
    ports.documents.gone = true;

    Decision gone = ports.engine(Mode.AUTOFIX).handle(Arrival.candidate(InMemoryPorts.SITE, "run-1", false));

    assertEquals(Outcome.SKIPPED, gone.outcome());
    assertTrue(gone.reason().startsWith("the site no longer exists"), gone.reason());
    assertEquals(List.of("read site"), ports.log, "a sweep's site is not claimed, and a skip is not recorded");
  }
}
