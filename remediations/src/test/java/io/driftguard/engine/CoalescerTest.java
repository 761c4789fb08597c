package io.driftguard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.it.MovableTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CoalescerTest {

  private static final Duration WAIT = Duration.ofMinutes(1);

  /** Callers arriving during an evaluation share the next one, and it is given every one of them, its own first. */
  @Test
  void theSharedEvaluationKnowsEveryCallerItAnswers() throws Exception {
    Coalescer<String, List<String>> coalescer = new Coalescer<>(new MovableTicker());
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Map<String, Coalescer.Served<List<String>>> served = new ConcurrentHashMap<>();
    Thread first = new Thread(() -> served.put("alice", coalescer.run("app", "alice", answered -> {
      running.countDown();
      await(release);
      return answered;
    }, WAIT).orElseThrow()));
    first.start();
    running.await();

    List<Thread> waiting = new ArrayList<>();
    for (String caller : List.of("carol", "dave", "erin")) {
      Thread thread = new Thread(() -> served.put(caller,
          coalescer.run("app", caller, answered -> answered, WAIT).orElseThrow()));
      thread.start();
      waiting.add(thread);
    }
    for (Thread thread : waiting) {
      while (thread.getState() != Thread.State.TIMED_WAITING) {
        Thread.onSpinWait();
      }
    }
    release.countDown();
    first.join();
    for (Thread thread : waiting) {
      thread.join();
    }

    assertEquals(List.of("alice"), served.get("alice").result(), "the running evaluation is joined by nobody");
    List<String> shared = served.get("carol").result();
    assertEquals(Set.of("carol", "dave", "erin"), Set.copyOf(shared));
    assertEquals(3, shared.size());
    for (String caller : List.of("carol", "dave", "erin")) {
      assertEquals(shared, served.get(caller).result());
      assertEquals(caller.equals(shared.get(0)), served.get(caller).ranByThisCaller(), caller);
    }
    assertTrue(served.get("alice").ranByThisCaller());
  }

  /**
   * A caller behind an evaluation that outlasts its budget gives up once the ticker passes that budget, with no real
   * time spent (the budget here is an hour), and the slot it held is free again once the stuck evaluation ends.
   */
  @Test
  void aCallerBehindAStuckEvaluationGivesUpWhenTheTickerPassesItsBudget() throws Exception {
    MovableTicker ticker = new MovableTicker();
    Coalescer<String, List<String>> coalescer = new Coalescer<>(ticker);
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Duration budget = Duration.ofHours(1);
    Thread stuck = new Thread(() -> coalescer.run("app", "alice", answered -> {
      running.countDown();
      await(release);
      return answered;
    }, budget));
    stuck.start();
    running.await();

    AtomicReference<Optional<Coalescer.Served<List<String>>>> behind = new AtomicReference<>();
    Thread waiter = new Thread(() -> behind.set(coalescer.run("app", "bob", answered -> answered, budget)));
    waiter.start();
    while (waiter.getState() != Thread.State.TIMED_WAITING) {
      Thread.onSpinWait();
    }
    ticker.advance(budget);
    waiter.join();

    assertEquals(Optional.empty(), behind.get(), "bob's budget ran out on the ticker while alice's evaluation ran");
    release.countDown();
    stuck.join();
    Coalescer.Served<List<String>> after = coalescer.run("app", "carol", answered -> answered, budget).orElseThrow();
    assertEquals(List.of("carol"), after.result());
    assertTrue(after.ranByThisCaller());
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
