package io.driftguard.engine;

import static io.driftguard.engine.InMemoryPorts.BUDGET;
import static io.driftguard.engine.InMemoryPorts.CLOCK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.intake.Screened;
import io.driftguard.intake.TestEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Admission with in-memory storage: what stops before the pipeline, and how the claim is settled. */
class AdmissionTest {

  private final InMemoryPorts ports = new InMemoryPorts();
  private final List<Admitted> admitted = new ArrayList<>();

  private Admission admission(Set<String> subscriptions) {
    return new Admission(new ScopeGuard(subscriptions, () -> "driftguard-oid"), ports.documents, ports.ledger(),
        CLOCK, ports.ticker, BUDGET);
  }

  /** A pipeline that records what it was handed and decides as told. */
  private Function<Admitted, Decision> pipeline(boolean retryable) {
    return write -> {
      admitted.add(write);
      return retryable ? write.decisions().failed(true, "ARM is busy") : write.decisions().skipped("decided");
    };
  }

  @Test
  void whatIntakeRefusedIsDecidedWithoutTheRestOfThePipelineOrStorage() {
    Decision rejected = admission(Set.of()).admit(
        new Screened.Rejected("e-1", Optional.of("/forged"), "forged"), pipeline(false));
    Decision ignored = admission(Set.of()).admit(new Screened.Ignored("e-2", Optional.empty(), "not a write"),
        pipeline(false));

    assertEquals(Outcome.REJECTED, rejected.outcome());
    assertEquals(Outcome.SKIPPED, ignored.outcome());
    assertEquals(List.of(), admitted);
    assertEquals(List.of(), ports.log);
  }

  @Test
  void anAcceptedWriteIsClaimedHandedOnAndMarkedDoneAndItsDuplicateCostsNothing() {
    Admission admission = admission(Set.of());
    Screened event = InMemoryPorts.screened();

    Decision first = admission.admit(event, pipeline(false));
    Decision duplicate = admission.admit(event, pipeline(false));

    assertEquals("decided", first.reason());
    assertEquals(1, admitted.size());
    assertEquals(List.of(), admitted.get(0).alsoAnswered());
    assertFalse(admitted.get(0).dryRun());
    assertEquals(List.of("claim", "done"), ports.log);
    assertTrue(duplicate.reason().startsWith("duplicate delivery"), duplicate.reason());
  }

  @Test
  void aWriteOutOfScopeIsSkippedBeforeItsClaim() {
    Decision decision = admission(Set.of("00000000-0000-0000-0000-000000000bad"))
        .admit(InMemoryPorts.screened(), pipeline(false));

    assertEquals(Outcome.SKIPPED, decision.outcome());
    assertTrue(decision.reason().contains("DRIFTGUARD_SUBSCRIPTIONS"), decision.reason());
    assertEquals(List.of(), ports.log);
    assertEquals(List.of(), admitted);
  }

  @Test
  void anEventAnotherInstanceHandledOrHoldsIsNotHandedOn() {
    Screened done = InMemoryPorts.screened();
    Screened held = InMemoryPorts.screened();
    ports.storage.claims.put(done.eventId(), EventClaims.Claim.DONE);
    ports.storage.claims.put(held.eventId(), EventClaims.Claim.HELD);

    Decision duplicate = admission(Set.of()).admit(done, pipeline(false));
    Decision later = admission(Set.of()).admit(held, pipeline(false));

    assertEquals(Outcome.SKIPPED, duplicate.outcome());
    assertTrue(later.retryable(), later.reason());
    assertEquals(List.of(), admitted);
  }

  @Test
  void aRetryableDecisionReleasesTheClaimAndIsNotRememberedAsHandled() {
    Admission admission = admission(Set.of());
    Screened event = InMemoryPorts.screened();

    assertTrue(admission.admit(event, pipeline(true)).retryable());
    assertEquals(List.of("claim", "release"), ports.log);
    admission.admit(event, pipeline(false));

    assertEquals(2, admitted.size(), "the redelivery is handled");
  }

  @Test
  void withStorageDownTheEventIsHandledUnclaimedAndSaysSo() {
    ports.storage.down = true;

    Decision decision = admission(Set.of()).admit(InMemoryPorts.screened(), pipeline(false));

    assertEquals(1, admitted.size());
    assertEquals(List.of("claim"), ports.log, "storage is not asked again for this event");
    assertTrue(decision.recordingDegraded());
    assertTrue(decision.warnings().get(0).startsWith("event not claimed"), decision.warnings().toString());
    assertTrue(decision.warnings().get(1).endsWith("Table storage is unavailable"), decision.warnings().toString());
  }

  @Test
  void aSweptSiteIsNeitherClaimedNorRememberedAndKeepsItsListing() {
    Admission admission = admission(Set.of());
    Arrival.Swept swept = new Arrival.Swept(InMemoryPorts.SITE,
        Optional.of(ports.documents.site()), "run-1", true);

    admission.admit(swept, pipeline(false));
    admission.admit(swept, pipeline(false));

    assertEquals(2, admitted.size());
    assertTrue(admitted.get(0).dryRun());
    assertTrue(admitted.get(0).event().foundBySweep());
    assertEquals(Optional.of(ports.documents.site()), admitted.get(0).listedSite());
    assertEquals(List.of(), ports.log);
    assertEquals(TestEvents.SUBSCRIPTION, admitted.get(0).event().site().subscriptionId());
  }
}
