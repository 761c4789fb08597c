package io.driftguard.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Injected {@link Chaos}: what it injected so far, and a way to withdraw it. */
public final class ChaosHandle {
  private final Chaos chaos;
  private final List<ChaosHandle> active;
  /** Guarded by this object's monitor, so that the draws follow the order of requests. */
  private final Random random;
  private final int[] injected;

  ChaosHandle(Chaos chaos, List<ChaosHandle> active) {
    this.chaos = chaos;
    this.active = active;
    this.random = new Random(chaos.seed());
    this.injected = new int[chaos.faults().size()];
  }

  public Chaos chaos() {
    return chaos;
  }

  /** How many requests each of the faults answered, in the order given. */
  public synchronized Map<Fault, Integer> injected() {
    Map<Fault, Integer> counts = new LinkedHashMap<>();
    for (int i = 0; i < injected.length; i++) {
      counts.merge(chaos.faults().get(i), injected[i], Integer::sum);
    }
    return counts;
  }

  /** How many requests it answered in all. */
  public synchronized int injectedTotal() {
    int total = 0;
    for (int count : injected) {
      total += count;
    }
    return total;
  }

  public void remove() {
    active.remove(this);
  }

  /** Draws whether a matching request gets a fault, and which; null for none. */
  synchronized Fault claim(String method, String path) {
    List<Integer> matching = new ArrayList<>();
    for (int i = 0; i < injected.length; i++) {
      if (chaos.faults().get(i).matches(method, path)) {
        matching.add(i);
      }
    }
    if (matching.isEmpty() || random.nextDouble() >= chaos.probability()) {
      return null;
    }
    int chosen = matching.get(random.nextInt(matching.size()));
    injected[chosen]++;
    return chaos.faults().get(chosen);
  }
}
