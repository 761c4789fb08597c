package io.driftguard.fanout;

import io.driftguard.engine.FindingsSink;
import io.driftguard.fanout.SweepMessage.RefusedMessageException;
import io.driftguard.sweep.SweepListener;
import io.driftguard.sweep.SweepRequest;
import io.driftguard.sweep.SweepSummary;
import io.driftguard.sweep.Sweeper;
import io.driftguard.text.Printable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reconcile across instances: the timer queues one message per subscription, and whichever instance receives a message
 * sweeps that subscription alone, so each subscription's ARM quota is spent in parallel. One sweep of a subscription
 * at a time, whichever instances hold its messages: a sweep claims its subscription in Table storage first, and a
 * message for a claimed subscription is skipped (its holder is sweeping it now). A holder that crashed loses its claim
 * when the claim expires, and a claim past its lifetime is taken over with a warning. Each subscription keeps its own
 * checkpoint, so a sweep cut short by its time limit resumes there on the next timer run, on any instance. Whatever
 * keeps a subscription's sweeps from running, the timer raises it once two runs went by without one; and it deletes
 * expired claims as it goes.
 */
public final class QueuedSweeps {

  /** Followed by the subscription id: each subscription's sweep resumes from its own checkpoint. */
  public static final String CHECKPOINT_PREFIX = "reconcile-";
  /**
   * How long a sweep's claim outlives its time limit: the limit decides whether work starts, and the sites in hand
   * finish within their own ARM budgets (at most 25 s each). Together they stay inside the host's 10-minute timeout.
   */
  static final Duration CLAIM_MARGIN = Duration.ofMinutes(2);
  /** Runs that queued a subscription without a sweep of it since, this one included, before the timer raises it. */
  static final int UNSWEPT_RUNS_RAISED = 3;

  private final Set<String> subscriptions;
  private final SweepQueue queue;
  private final Sweeper sweeper;
  private final SweepClaims claims;
  private final UnsweptRuns unswept;
  private final FindingsSink sink;
  private final Duration timeLimit;
  private final Clock clock;

  /**
   * @param claims claims that live at least {@code timeLimit} plus {@link #CLAIM_MARGIN}
   * @param sink where an abandoned or long unswept subscription is reported, as a failed finding row
   */
  public QueuedSweeps(Set<String> subscriptions, SweepQueue queue, Sweeper sweeper, SweepClaims claims,
                      UnsweptRuns unswept, FindingsSink sink, Duration timeLimit, Clock clock) {
    this.subscriptions = Set.copyOf(subscriptions);
    this.queue = queue;
    this.sweeper = sweeper;
    this.claims = claims;
    this.unswept = unswept;
    this.sink = sink;
    this.timeLimit = timeLimit;
    this.clock = clock;
  }

  /** How long a claim must live for sweeps limited to {@code timeLimit}. */
  public static Duration claimLifetime(Duration timeLimit) {
    return timeLimit.plus(CLAIM_MARGIN);
  }

  /** What a timer run did: the messages it sent, the subscriptions it raised as unswept, the claims it deleted. */
  public record Queued(List<SweepMessage> messages, List<String> unswept, int claimsDeleted) {}

  /**
   * Queues one sweep per subscription, in a stable order; raises (a failed row, severity 1) each subscription whose
   * sweeps the last two runs queued did not run; then deletes expired claims. Riding on the timer keeps that cleanup
   * off the events' path and bounded per run ({@link SweepClaims#deleteExpired}).
   */
  public Queued enqueueAll(String run) {
    List<SweepMessage> messages = subscriptions.stream().sorted().map(subscription -> new SweepMessage(subscription, run))
        .toList();
    messages.forEach(queue::send);
    List<String> raised = new ArrayList<>();
    for (SweepMessage message : messages) {
      int runs = unswept.queued(message.subscription());
      if (runs >= UNSWEPT_RUNS_RAISED) {
        sink.sweepAbandoned(message.subscription(), "unswept-" + message.subscription() + "-" + run, "the sweeps "
            + "queued by the last " + (runs - 1) + " reconcile runs did not run (skipped as claimed, failed, or never "
            + "delivered; see the SweepSubscription function's log), so drift there goes unfound");
        raised.add(message.subscription());
      }
    }
    return new Queued(messages, raised, claims.deleteExpired(clock.instant()));
  }

  /**
   * What became of one message: refused and skipped messages are acknowledged, as redelivery cannot change them.
   * {@code warning} says why a claim found was taken over.
   */
  public record Handled(Verdict verdict, String explanation, Optional<SweepSummary> summary,
                        Optional<String> warning) {}

  public enum Verdict { SWEPT, SKIPPED, REFUSED }

  /**
   * Sweeps the subscription a message names, unless the message is refused or another sweep of that subscription holds
   * its claim. Storage and sweep failures throw: the host delivers the message again, up to its poison limit.
   */
  public Handled handle(String body, SweepListener listener) {
    SweepMessage message;
    try {
      message = SweepMessage.parse(body, subscriptions);
    } catch (RefusedMessageException e) {
      return new Handled(Verdict.REFUSED, "refused a sweep message: " + e.getMessage(), Optional.empty(),
          Optional.empty());
    }
    SweepClaims.Taken taken = claims.claim(message.subscription(), clock.instant());
    if (!taken.claimed()) {
      return new Handled(Verdict.SKIPPED, "skipped the sweep of subscription " + message.subscription() + " (run "
          + message.run() + "): another instance is sweeping it now", Optional.empty(), Optional.empty());
    }
    Optional<String> warning = taken.takenOver().map(why -> "took over the sweep claim of subscription "
        + message.subscription() + ": " + why);
    try {
      SweepSummary summary = sweeper.run(SweepRequest.resumable(CHECKPOINT_PREFIX + message.subscription(),
          List.of(message.subscription()), false, timeLimit), listener);
      unswept.swept(message.subscription());
      return new Handled(Verdict.SWEPT, "swept subscription " + message.subscription() + " (run " + message.run() + ")",
          Optional.of(summary), warning);
    } finally {
      claims.release(message.subscription());
    }
  }

  /**
   * A message the host gave up on after its last delivery failed: reported as a failed row (severity 1), so the
   * findings alert tells people that a subscription went unswept. The body is read as hostile as any other.
   */
  public String abandoned(String body, String messageId) {
    String subscription;
    String problem;
    try {
      subscription = SweepMessage.parse(body, subscriptions).subscription();
      problem = "every delivery of its sweep message failed; the host moved it to " + SweepQueue.POISON_NAME
          + " and the subscription stays unswept until the next reconcile run (see the function's log for the errors)";
    } catch (RefusedMessageException e) {
      subscription = "";
      problem = "a message in " + SweepQueue.POISON_NAME + " is not a sweep message driftguard sent: " + e.getMessage();
    }
    String id = Printable.abbreviate(messageId == null ? "" : messageId);
    sink.sweepAbandoned(subscription, id, problem);
    return "sweep abandoned (message " + id + ")" + (subscription.isEmpty() ? "" : " for subscription " + subscription)
        + ": " + problem;
  }
}
