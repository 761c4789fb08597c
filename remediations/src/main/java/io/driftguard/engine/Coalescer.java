package io.driftguard.engine;

import io.driftguard.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One evaluation at a time per key (an app or slot). Callers that arrive while it runs do not each start their own:
 * they share the next evaluation, run by the first of them once the current one is done, and all get its result.
 * Evaluations always read fresh state, so the shared one sees every write the waiting events announced; it is given
 * every caller it answers (its own first), so its record can name them all. How long a caller waits is measured on the
 * injected {@link Ticker}, so that tests move time instead of waiting for it.
 */
final class Coalescer<T, R> {

  /**
   * The longest a waiter blocks before it reads the ticker again: the result wakes it at once, and a deadline passed on
   * a moved ticker is seen within this much real time.
   */
  private static final long RECHECK_NANOS = Duration.ofMillis(50).toNanos();

  /** The result of an evaluation, and whether this caller ran it or was served by another's. */
  record Served<R>(R result, boolean ranByThisCaller) {}

  private final Map<String, Slot<T, R>> slots = new HashMap<>();
  private final Ticker ticker;

  Coalescer(Ticker ticker) {
    this.ticker = ticker;
  }

  private static final class Slot<T, R> {
    Turn<T, R> running;
    Turn<T, R> next;
  }

  /** One evaluation and the callers it answers; nobody joins it once it is running. */
  private static final class Turn<T, R> {
    final CompletableFuture<R> result = new CompletableFuture<>();
    final List<T> callers = new ArrayList<>();

    Turn(T first) {
      callers.add(first);
    }
  }

  /**
   * Runs {@code evaluation} for {@code key}, given the callers it answers, or waits at most {@code maxWait} to be
   * served by the next one; empty when that wait runs out (the caller should fail retryably and be delivered again).
   */
  Optional<Served<R>> run(String key, T caller, Function<List<T>, R> evaluation, Duration maxWait) {
    Turn<T, R> mine;
    Turn<T, R> before;
    boolean leader;
    synchronized (this) {
      Slot<T, R> slot = slots.computeIfAbsent(key, k -> new Slot<>());
      if (slot.running == null) {
        slot.running = mine = new Turn<>(caller);
        before = null;
        leader = true;
      } else if (slot.next == null) {
        slot.next = mine = new Turn<>(caller);
        before = slot.running;
        leader = true;
      } else {
        mine = slot.next;
        mine.callers.add(caller);
        before = null;
        leader = false;
      }
    }
    long deadline = ticker.nanos() + maxWait.toNanos();
    if (!leader) {
      return await(mine.result, deadline).map(result -> new Served<>(result, false));
    }
    if (before != null && await(before.result, deadline).isEmpty() && !before.result.isDone()) {
      // The evaluation ahead is stuck past our budget: hand our turn to whoever waits with us, and fail retryably.
      abandon(key, mine);
      return Optional.empty();
    }
    // The turn ahead handed the slot on before it finished, so ours is running: nobody joins it any more.
    List<T> answered;
    synchronized (this) {
      answered = List.copyOf(mine.callers);
    }
    R result;
    try {
      result = evaluation.apply(answered);
    } catch (RuntimeException e) {
      finished(key, mine);
      mine.result.completeExceptionally(e);
      throw e;
    }
    // Hand the slot on before publishing: an event arriving from now on must wait for a later, fresher evaluation.
    finished(key, mine);
    mine.result.complete(result);
    return Optional.of(new Served<>(result, true));
  }

  private synchronized void finished(String key, Turn<T, R> done) {
    Slot<T, R> slot = slots.get(key);
    if (slot.running == done) {
      slot.running = slot.next;
      slot.next = null;
    } else if (slot.next == done) {
      slot.next = null;
    }
    if (slot.running == null) {
      slots.remove(key);
    }
  }

  private void abandon(String key, Turn<T, R> turn) {
    finished(key, turn);
    turn.result.completeExceptionally(new TimeoutException("the evaluation ahead took longer than the event's budget"));
  }

  /** The future's result, or empty when it failed or the ticker passed {@code deadlineNanos} first. */
  private Optional<R> await(CompletableFuture<R> future, long deadlineNanos) {
    try {
      while (true) {
        long left = Math.max(0, deadlineNanos - ticker.nanos());
        try {
          return Optional.of(future.get(Math.min(left, RECHECK_NANOS), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
          if (deadlineNanos - ticker.nanos() <= 0) {
            return Optional.empty();
          }
        }
      }
    } catch (ExecutionException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
