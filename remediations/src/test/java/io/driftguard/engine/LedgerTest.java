package io.driftguard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The ledger's best effort, over in-memory storage. */
class LedgerTest {

  private final InMemoryPorts ports = new InMemoryPorts();

  @Test
  void afterOneFailureStorageIsNotAskedAgainForThatEventAndEachCallSaysWhatWasNotDone() {
    ports.storage.down = true;
    Ledger.Entry entry = ports.ledger().open(InMemoryPorts.event());

    assertEquals(EventClaims.Claim.CLAIMED, entry.claim(), "handled unclaimed");
    assertTrue(entry.mayFix("min-tls").allowed(), "fixed anyway");
    assertEquals(List.of(), entry.earlierFindings());
    entry.settle(false);

    assertEquals(List.of("claim"), ports.log);
    List<String> warnings = entry.warnings();
    assertEquals(4, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).startsWith("event not claimed, another instance may handle it too: Table storage "
        + "failed (IllegalStateException: storage is down)"), warnings.get(0));
    assertEquals("flapping not checked for min-tls, fixed anyway: Table storage is unavailable", warnings.get(1));
    assertTrue(warnings.get(3).startsWith("claim not marked done"), warnings.get(3));
  }

  @Test
  void eachEventHasItsOwnEntry() {
    Ledger ledger = ports.ledger();
    ports.storage.down = true;
    ledger.open(InMemoryPorts.event()).claim();
    ports.storage.down = false;

    Ledger.Entry next = ledger.open(InMemoryPorts.event());

    assertEquals(EventClaims.Claim.CLAIMED, next.claim());
    assertEquals(List.of(), next.warnings());
    assertEquals(List.of("claim", "claim"), ports.log);
  }

  @Test
  void noIntentIsRecordedWhenNothingIsFixed() {
    ports.ledger().open(InMemoryPorts.event()).intend(List.of());

    assertEquals(List.of(), ports.log);
  }
}
