package io.driftguard.engine;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One evaluation at a time per key (an app or slot). Callers that arrive while it runs do not each start their own:
 * they share the next evaluation, run by the first of them once the current one is done, and all get its result.
 * Evaluations always read fresh state, so the shared one sees every write the waiting events announced.
 */
final class Coalescer<R> {

  /** The result of an evaluation, and whether this caller ran it or was served by another's. */
  record Served<R>(R result, boolean ranByThisCaller) {}

  private final Map<String, Slot<R>> slots = new HashMap<>();

  private static final class Slot<R> {
    CompletableFuture<R> running;
    CompletableFuture<R> next;
  }

  /**
   * Runs {@code evaluation} for {@code key}, or waits at most {@code maxWait} to be served by the next one; empty when
   * that wait runs out (the caller should fail retryably and be delivered again).
   */
  Optional<Served<R>> run(String key, Supplier<R> evaluation, Duration maxWait) {
    CompletableFuture<R> mine;
    CompletableFuture<R> before;
    boolean leader;
    synchronized (this) {
      Slot<R> slot = slots.computeIfAbsent(key, k -> new Slot<>());
      if (slot.running == null) {
        slot.running = mine = new CompletableFuture<>();
        before = null;
        leader = true;
      } else if (slot.next == null) {
        slot.next = mine = new CompletableFuture<>();
        before = slot.running;
        leader = true;
      } else {
        mine = slot.next;
        before = null;
        leader = false;
      }
    }
    long deadline = System.nanoTime() + maxWait.toNanos();
    if (!leader) {
      return await(mine, deadline).map(result -> new Served<>(result, false));
    }
    if (before != null && await(before, deadline).isEmpty() && !before.isDone()) {
      // The evaluation ahead is stuck past our budget: hand our turn to whoever waits with us, and fail retryably.
      abandon(key, mine);
      return Optional.empty();
    }
    R result;
    try {
      result = evaluation.get();
    } catch (RuntimeException e) {
      finished(key, mine);
      mine.completeExceptionally(e);
      throw e;
    }
    // Hand the slot on before publishing: an event arriving from now on must wait for a later, fresher evaluation.
    finished(key, mine);
    mine.complete(result);
    return Optional.of(new Served<>(result, true));
  }

  private synchronized void finished(String key, CompletableFuture<R> done) {
    Slot<R> slot = slots.get(key);
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

  private void abandon(String key, CompletableFuture<R> turn) {
    turn.completeExceptionally(new TimeoutException("the evaluation ahead took longer than the event's budget"));
    finished(key, turn);
  }

  private static <R> Optional<R> await(CompletableFuture<R> future, long deadlineNanos) {
    try {
      return Optional.of(future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS));
    } catch (TimeoutException | ExecutionException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
