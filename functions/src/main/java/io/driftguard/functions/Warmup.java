package io.driftguard.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.WarmupTrigger;

/**
 * Called by the host when it adds an instance, before the instance takes traffic, on plans that offer the warmup
 * trigger: wires the engine (clients, catalog, the first ARM token fetched in the background), so the instance's first
 * event does not pay for it. Nothing depends on it: without it, the first event wires the engine.
 */
public class Warmup {

  private final Runnable wire;

  /** Used by the Functions host. */
  public Warmup() {
    this(() -> SharedEngine.get().engine().prepare());
  }

  Warmup(Runnable wire) {
    this.wire = wire;
  }

  @FunctionName("Warmup")
  public void run(@WarmupTrigger Object warmupContext, ExecutionContext context) {
    long start = System.nanoTime();
    wire.run();
    context.getLogger().info(String.format("driftguard wired in %d ms", (System.nanoTime() - start) / 1_000_000));
  }
}
