package io.driftguard.sandbox;

import java.util.List;

/**
 * Random faults for chaos tests: each request that at least one of the faults matches is, with {@code probability},
 * answered by one of those matching faults, chosen uniformly. Deterministic for a seed and an order of requests.
 * Goes on until removed: the faults' {@code times} is not used. Immutable:
 * {@code Chaos.of(0.2, 42, Fault.on("*", "/sites/").status(429).retryAfterSeconds(1),
 * Fault.on("*", "/sites/").status(503), Fault.on("PATCH", "/config/web$").resetConnection())}.
 */
public record Chaos(double probability, long seed, List<Fault> faults) {

  public Chaos {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be within [0, 1]: " + probability);
    }
    faults = List.copyOf(faults);
    if (faults.isEmpty()) {
      throw new IllegalArgumentException("chaos needs at least one fault");
    }
  }

  public static Chaos of(double probability, long seed, Fault... faults) {
    return new Chaos(probability, seed, List.of(faults));
  }
}
