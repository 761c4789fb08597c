package io.driftguard.engine;

import io.driftguard.intake.WriteEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Table storage as an event sees it: its claim, the flapping of what it fixes, the audit trail and where its findings
 * stand, behind one door.
 * An event calls it when it starts (the claim), before its writes (flapping verdicts, then fix intents) and when it
 * ends (fixes counted, earlier fixes looked up, the audit entry, the findings' steps, the claim settled). Every call is best effort: storage
 * must never stop an event, so a failure is said in the decision's warnings instead, and after one failure storage is
 * not asked again for that event, so an outage costs its retries once, not per call.
 */
public final class Ledger {

  /** No storage configured: no claims across instances, no flapping, no audit trail. */
  public static final Ledger NONE = new Ledger(EventClaims.NONE, FlapGuard.NONE, AuditTrail.NONE, Clock.systemUTC());

  private final EventClaims claims;
  private final FlapGuard flapping;
  private final AuditTrail audit;
  private final Lifecycle lifecycle;
  private final Clock clock;

  /** A ledger that keeps no finding states: every drift is reported as newly found. */
  public Ledger(EventClaims claims, FlapGuard flapping, AuditTrail audit, Clock clock) {
    this(claims, flapping, audit, FindingStates.NONE, Optional.empty(), clock);
  }

  /** {@code reminder}: how long a finding stands before people are told again; empty: never. */
  public Ledger(EventClaims claims, FlapGuard flapping, AuditTrail audit, FindingStates findings,
                Optional<Duration> reminder, Clock clock) {
    this.claims = claims;
    this.flapping = flapping;
    this.audit = audit;
    this.lifecycle = new Lifecycle(findings, reminder);
    this.clock = clock;
  }

  /** The ledger of one event: used by one thread at a time. */
  Entry open(WriteEvent event) {
    return new Entry(event);
  }

  final class Entry {
    private final WriteEvent event;
    /** What storage could not do for this event: the decision says so. */
    private final List<String> warnings = new ArrayList<>();
    private boolean storageFailed;
    /** The controls whose fix landed, counted for flapping when the event ends. */
    private final List<String> landed = new ArrayList<>();

    private Entry(WriteEvent event) {
      this.event = event;
    }

    List<String> warnings() {
      return List.copyOf(warnings);
    }

    /** Claims the event across instances; without storage it is handled unclaimed. */
    EventClaims.Claim claim() {
      return bestEffort("event not claimed, another instance may handle it too",
          () -> claims.claim(event.eventId(), clock.instant()), EventClaims.Claim.CLAIMED);
    }

    /**
     * Before the writes: whether flapping lets {@code rule} be fixed now. Without storage flapping cannot be counted:
     * the fix goes ahead, never blocked by storage, and the decision says it was not checked.
     */
    FlapGuard.Verdict mayFix(String rule) {
      return bestEffort("flapping not checked for " + rule + ", fixed anyway",
          () -> flapping.beforeFix(event.site(), rule, clock.instant()), FlapGuard.Verdict.ALLOW);
    }

    /** Before the writes, after {@link #mayFix}: the fixes about to be written, so a lost answer is still reported. */
    void intend(List<Finding> fixes) {
      if (!fixes.isEmpty()) {
        bestEffort("fix intent not recorded, a lost answer from ARM would go unreported",
            () -> audit.intend(event, fixes));
      }
    }

    /** A fix that landed: counted for flapping when the event ends. */
    void landed(String rule) {
      landed.add(rule);
    }

    /**
     * The fixes earlier deliveries of this event made (or intended, their answer lost), whose report may not have
     * gone out.
     */
    List<Finding> earlierFindings() {
      return bestEffort("fixes of earlier deliveries not looked up", () -> audit.earlierFindings(event.eventId()),
          List.of());
    }

    /** The end of an evaluation: its landed fixes counted, and a decision with findings in the audit trail. */
    void record(Decision decision) {
      for (String rule : landed) {
        bestEffort("fix of " + rule + " not counted for flapping",
            () -> flapping.fixed(event.site(), rule, clock.instant(), event.caller().actor()));
      }
      landed.clear();
      if (!decision.retryable() && !decision.findings().isEmpty()) {
        bestEffort("audit trail not written", () -> audit.record(event, decision));
      }
    }

    /**
     * After the audit entry: the steps the decision moves its findings by, the ones people must hear of. Without
     * storage every finding is reported as newly found, so none goes unheard.
     */
    List<Notice> steps(Decision decision, Lifecycle.Reach reach) {
      return bestEffort("finding states not read, every finding reported as new",
          () -> lifecycle.steps(event, decision, reach, clock.instant()),
          Lifecycle.untracked(event, decision, clock.instant()));
    }

    /** Once their rows went out: the steps kept, so the next event knows what people were told. */
    void keep(List<Notice> notices) {
      if (!notices.isEmpty()) {
        bestEffort("finding states not kept, the next event reports them again", () -> lifecycle.keep(notices));
      }
    }

    /** The end of an event: done, so later deliveries are duplicates, or released for a redelivery. */
    void settle(boolean retryable) {
      if (retryable) {
        bestEffort("claim not released, a redelivery waits for it to expire", () -> claims.release(event.eventId()));
      } else {
        bestEffort("claim not marked done, a later duplicate may be handled again",
            () -> claims.done(event.eventId()));
      }
    }

    private <T> T bestEffort(String without, Supplier<T> call, T fallback) {
      if (storageFailed) {
        warnings.add(without + ": Table storage is unavailable");
        return fallback;
      }
      try {
        return call.get();
      } catch (RuntimeException e) {
        storageFailed = true;
        warnings.add(without + ": Table storage failed (" + Decisions.describe(e) + ")");
        return fallback;
      }
    }

    private void bestEffort(String without, Runnable call) {
      bestEffort(without, () -> {
        call.run();
        return null;
      }, null);
    }
  }
}
