package io.driftguard.sandbox;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** An injected {@link Fault}: how often it fired, and a way to withdraw it early. */
public final class FaultHandle {
  private final Fault fault;
  private final AtomicInteger remaining;
  private final AtomicInteger hits = new AtomicInteger();
  private final List<FaultHandle> active;

  FaultHandle(Fault fault, List<FaultHandle> active) {
    this.fault = fault;
    this.remaining = new AtomicInteger(fault.times());
    this.active = active;
  }

  public Fault fault() {
    return fault;
  }

  /** How many requests it has affected so far. */
  public int hits() {
    return hits.get();
  }

  public void remove() {
    active.remove(this);
  }

  /** Claims one use if the request matches and uses are left; safe when several requests race for the last one. */
  boolean tryApply(String method, String path) {
    if (!fault.matches(method, path) || remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) == 0) {
      return false;
    }
    hits.incrementAndGet();
    return true;
  }
}
