package io.driftguard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.engine.FindingState.Status;
import io.driftguard.engine.FindingState.Step;
import io.driftguard.engine.Lifecycle.Reach;
import io.driftguard.intake.WriteEvent;
import io.driftguard.policy.ModePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A finding's life over stored states kept in memory, with their versions as a Table would keep its ETags. */
class LifecycleTest {

  private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

  /** States by rule for the one app, each write checked against the version read, as an ETag is. */
  private static final class Store implements FindingStates {
    final Map<String, FindingState> byRule = new HashMap<>();
    /** Writes another instance makes just before ours: each is applied, and ours then loses the race. */
    final List<FindingState> racing = new ArrayList<>();
    int version;

    @Override
    public Map<String, FindingState> of(String resource) {
      return Map.copyOf(byRule);
    }

    @Override
    public boolean replace(FindingState next) {
      if (!racing.isEmpty()) {
        store(racing.remove(0));
        return false;
      }
      FindingState current = byRule.get(next.rule());
      if (current == null ? next.version() != null : !current.version().equals(next.version())) {
        return false;
      }
      store(next);
      return true;
    }

    private void store(FindingState state) {
      byRule.put(state.rule(), new FindingState(state.resource(), state.rule(), state.status(), state.last(),
          state.observed(), state.desired(), state.mode(), state.action(), state.openedAt(), state.notifiedAt(),
          state.changedAt(), state.by(), state.eventId(), "v" + ++version));
    }
  }

  private final Store store = new Store();
  private final Lifecycle lifecycle = new Lifecycle(store, Optional.of(Duration.ofDays(1)));
  private int events;

  private static Finding finding(Action action, String observed, String modeSource) {
    return new Finding("min-tls", "Minimum TLS", "config/web", "minTlsVersion", observed, "1.2", action == Action.EXEMPTED ? "off" : "notify",
        modeSource, action, null, "az ...", null, List.of());
  }

  private List<Notice> decide(Instant at, Finding... findings) {
    WriteEvent event = InMemoryPorts.event();
    WriteEvent fresh = new WriteEvent("e" + ++events, event.eventTime(), event.target(), event.operationName(),
        event.caller(), event.correlationId(), false);
    return track(fresh, decision(fresh.eventId(), findings), Reach.EVERY_CONTROL, at);
  }

  /** The steps of a decision, kept as the Report keeps them once their rows went out. */
  private List<Notice> track(WriteEvent event, Decision decision, Reach reach, Instant at) {
    List<Notice> notices = lifecycle.steps(event, decision, reach, at);
    lifecycle.keep(notices);
    return notices;
  }

  private static Decision decision(String eventId, Finding... findings) {
    return new Decision(eventId, InMemoryPorts.SITE.id(), Outcome.ALERTED, "r", "alice", T0.toString(), null,
        List.of("min-tls", "https-only"), List.of(findings), 1, 0, 1, false);
  }

  private static List<Step> steps(List<Notice> notices) {
    return notices.stream().map(notice -> notice.state().last()).toList();
  }

  @Test
  void aFindingOpensOnceStandsQuietlyAndIsRemindedAfterTheInterval() {
    assertEquals(List.of(Step.OPENED), steps(decide(T0, finding(Action.ALERTED, "1.0", "DRIFTGUARD_MODE"))));
    List<Notice> standing = decide(T0.plus(Duration.ofHours(3)), finding(Action.ALERTED, "1.0", "DRIFTGUARD_MODE"));
    assertEquals(List.of(Step.STANDING), steps(standing), "restated, so that its alert stays open");
    assertEquals(T0, standing.get(0).state().notifiedAt(), "people were told when it opened");
    assertEquals(Step.OPENED, store.byRule.get("min-tls").last(), "a standing finding is not kept again");
    assertEquals(List.of(Step.STANDING), steps(decide(T0.plus(Duration.ofHours(23)), finding(Action.ALERTED, "1.0", "DRIFTGUARD_MODE"))));
    List<Notice> reminded = decide(T0.plus(Duration.ofHours(24)), finding(Action.ALERTED, "1.0", "DRIFTGUARD_MODE"));
    assertEquals(List.of(Step.REMINDED), steps(reminded));
    assertEquals(T0, reminded.get(0).state().openedAt(), "its age counts from when it opened");
    assertEquals(List.of(Step.STANDING), steps(decide(T0.plus(Duration.ofHours(30)), finding(Action.ALERTED, "1.0", "DRIFTGUARD_MODE"))));
  }

  @Test
  void aChangeOfValueOrModeIsNewsAndCompliantAgainResolvesItOnce() {
    decide(T0, finding(Action.ALERTED, "1.0", "DRIFTGUARD_MODE"));
    assertEquals(List.of(Step.CHANGED), steps(decide(T0.plusSeconds(60), finding(Action.ALERTED, "1.1", "DRIFTGUARD_MODE"))));
    assertEquals(List.of(Step.CHANGED), steps(decide(T0.plusSeconds(120), finding(Action.ALERTED, "1.1", "DRIFTGUARD_RULE_MIN_TLS"))));
    List<Notice> resolved = decide(T0.plusSeconds(180));
    assertEquals(List.of(Step.RESOLVED), steps(resolved));
    assertEquals("alice@contoso.com", resolved.get(0).state().by());
    assertTrue(resolved.get(0).finding().isEmpty());
    assertEquals(List.of(), steps(decide(T0.plusSeconds(240))), "resolved stays quiet");
    assertEquals(List.of(Step.OPENED), steps(decide(T0.plusSeconds(300), finding(Action.ALERTED, "1.0", "DRIFTGUARD_MODE"))));
  }

  @Test
  void anExemptionIsToldOnceAndAgainWhenItEnds() {
    decide(T0, finding(Action.ALERTED, "1.0", "DRIFTGUARD_MODE"));
    String tag = "tag driftguard-exempt=min-tls, until 2026-07-01T00:00:00Z";
    assertEquals(List.of(Step.EXEMPTED), steps(decide(T0.plusSeconds(60), finding(Action.EXEMPTED, "1.0", tag))));
    assertEquals(Status.EXEMPTED, store.byRule.get("min-tls").status());
    assertEquals(List.of(Step.STANDING), steps(decide(T0.plus(Duration.ofDays(3)), finding(Action.EXEMPTED, "1.0", tag))),
        "no reminders while exempt: restated only");
    assertEquals(List.of(Step.EXEMPTION_ENDED), steps(decide(T0.plus(Duration.ofDays(31)),
        finding(Action.ALERTED, "1.0", "DRIFTGUARD_MODE"))));
  }

  @Test
  void aFixByDriftguardIsAResolutionAndARedeliveryReportsItsStepAgain() {
    decide(T0, finding(Action.ALERTED, "1.0", "DRIFTGUARD_MODE"));
    WriteEvent event = InMemoryPorts.event();
    Decision fixed = decision(event.eventId(), finding(Action.FIXED, "1.0", "DRIFTGUARD_MODE"));
    List<Notice> first = track(event, fixed, Reach.EVERY_CONTROL, T0.plusSeconds(60));
    assertEquals(List.of(Step.RESOLVED), steps(first));
    assertEquals("driftguard", first.get(0).state().by());
    assertEquals(T0, first.get(0).state().openedAt());
    List<Notice> again = track(event, fixed, Reach.EVERY_CONTROL, T0.plusSeconds(90));
    assertEquals(List.of(Step.RESOLVED), steps(again), "a redelivery reports the same step again");
    assertEquals(first.get(0).state().changedAt(), again.get(0).state().changedAt());
  }

  /** Weighed but not judged: a control now off resolves its finding; one not judged leaves it standing; a skip, nothing. */
  @Test
  void aFindingWhoseControlIsTurnedOffIsNoLongerTrackedAndOneNotJudgedStands() {
    decide(T0, finding(Action.ALERTED, "1.0", "DRIFTGUARD_MODE"));
    WriteEvent event = InMemoryPorts.event();
    Decision notJudged = new Decision(event.eventId(), InMemoryPorts.SITE.id(), Outcome.COMPLIANT, "r", "alice", null,
        null, List.of("min-tls (not judged: config/web is missing)", "https-only"), List.of(), 1, 0, 1, false);
    List<Notice> standing = track(event, notJudged, Reach.EVERY_CONTROL, T0.plusSeconds(60));
    assertEquals(List.of(Step.STANDING), steps(standing));
    assertTrue(standing.get(0).finding().isEmpty());
    assertEquals(List.of(), steps(track(event, notJudged, Reach.NONE, T0.plusSeconds(90))), "a skip says nothing");

    WriteEvent later = new WriteEvent("e-off", event.eventTime(), event.target(), event.operationName(), event.caller(),
        event.correlationId(), false);
    Decision off = new Decision(later.eventId(), InMemoryPorts.SITE.id(), Outcome.COMPLIANT, "r", "alice", null, null,
        List.of("https-only"), List.of(), 1, 0, 1, false);
    List<Notice> resolved = track(later, off, Reach.EVERY_CONTROL, T0.plusSeconds(120));
    assertEquals(List.of(Step.RESOLVED), steps(resolved));
    assertEquals(FindingState.CONTROL_OFF, resolved.get(0).state().by());
    assertEquals(Status.RESOLVED, store.byRule.get("min-tls").status());
  }

  @Test
  void theAppGoneResolvesEveryOpenFinding() {
    decide(T0, finding(Action.ALERTED, "1.0", "DRIFTGUARD_MODE"));
    WriteEvent event = InMemoryPorts.event();
    Decision gone = new Decision(event.eventId(), InMemoryPorts.SITE.id(), Outcome.SKIPPED, "gone", "alice", null, null,
        List.of(), List.of(), 1, 0, 1, false);
    List<Notice> notices = track(event, gone, Reach.SITE_GONE, T0.plusSeconds(60));
    assertEquals(List.of(Step.RESOLVED), steps(notices));
    assertEquals(FindingState.APP_DELETED, notices.get(0).state().by());
  }

  @Test
  void aStepIsKeptOnlyOverTheStateItWasTakenFromAndOnlyOnceItsRowsWentOut() {
    WriteEvent event = InMemoryPorts.event();
    List<Notice> opened = lifecycle.steps(event, decision(event.eventId(),
        finding(Action.ALERTED, "1.0", "DRIFTGUARD_MODE")), Reach.EVERY_CONTROL, T0);
    assertEquals(List.of(Step.OPENED), steps(opened));
    assertTrue(store.byRule.isEmpty(), "not kept before its rows went out: a failed upload leaves it to the redelivery");

    FindingState theirs = new FindingState(FindingState.resourceKey(InMemoryPorts.SITE.id()), "min-tls", Status.OPEN,
        Step.OPENED, "1.1", "1.2", "notify (DRIFTGUARD_MODE)", "alerted", T0, T0, T0, "bob", "other-event", null);
    store.racing.add(theirs);
    lifecycle.keep(opened);
    assertEquals("other-event", store.byRule.get("min-tls").eventId(), "another instance's newer step is not overwritten");
  }

  @Test
  void withoutStoredStatesEveryFindingIsReportedAsNew() {
    List<Notice> notices = Lifecycle.untracked(InMemoryPorts.event(),
        decision("e", finding(Action.ALERTED, "1.0", "DRIFTGUARD_MODE")), T0);
    assertEquals(List.of(Step.OPENED), steps(notices));
  }

  /**
   * Who wrote an exemption's tag is named as the event's caller by the tag's write and as "someone before" by later
   * ones (a sweep, a write of another document): no change people must hear of. A new expiry is.
   */
  @Test
  void theExemptionTagsWriterIsNoChangeButItsExpiryIs() {
    WriteEvent base = InMemoryPorts.event();
    WriteEvent byAWrite = new WriteEvent("e-write", base.eventTime(), base.target(), base.operationName(), base.caller(),
        base.correlationId(), false);
    WriteEvent bySweep = new WriteEvent("e-sweep", base.eventTime(), base.target(), base.operationName(), base.caller(),
        base.correlationId(), true);
    assertNotEquals(byAWrite.tagWriter(), bySweep.tagWriter());

    assertEquals(List.of(Step.EXEMPTED), steps(track(byAWrite, decision(byAWrite.eventId(),
        exempted(byAWrite, "2027-01-06")), Reach.EVERY_CONTROL, T0)));
    assertEquals(List.of(Step.STANDING), steps(track(bySweep, decision(bySweep.eventId(),
        exempted(bySweep, "2027-01-06")), Reach.EVERY_CONTROL, T0.plusSeconds(60))), "another writer named: no change");
    assertFalse(store.byRule.get("min-tls").mode().contains("written by"), "kept without its writer");

    WriteEvent later = new WriteEvent("e-later", base.eventTime(), base.target(), base.operationName(), base.caller(),
        base.correlationId(), true);
    assertEquals(List.of(Step.EXEMPTED), steps(track(later, decision(later.eventId(), exempted(later, "2027-02-06")),
        Reach.EVERY_CONTROL, T0.plusSeconds(120))), "a new expiry");
  }

  /** An exemption of min-tls as the event names its tag's writer, until {@code date}. */
  private static Finding exempted(WriteEvent event, String date) {
    return finding(Action.EXEMPTED, "1.0", "tag driftguard-exempt=min-tls, reason 'old clients'"
        + ModePolicy.tagWriterClause(event.tagWriter()) + ", until " + date + "T00:00:00Z");
  }
}
