package io.driftguard.engine;

import io.driftguard.intake.WriteEvent;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Decides, before any ARM call, whether an accepted write is driftguard's business. */
public final class ScopeGuard {

  private final Set<String> allowedSubscriptions;
  private final Supplier<String> selfObjectId;

  /**
   * @param allowedSubscriptions subscription ids driftguard may act in; empty means any
   * @param selfObjectId the object id of driftguard's own identity (resolved lazily, once)
   */
  public ScopeGuard(Set<String> allowedSubscriptions, Supplier<String> selfObjectId) {
    this.allowedSubscriptions = allowedSubscriptions.stream()
        .map(id -> id.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    this.selfObjectId = selfObjectId;
  }

  public Optional<String> refusal(WriteEvent event) {
    String subscription = event.site().subscriptionId().toLowerCase(Locale.ROOT);
    if (!allowedSubscriptions.isEmpty() && !allowedSubscriptions.contains(subscription)) {
      return Optional.of("subscription " + event.site().subscriptionId() + " is not in DRIFTGUARD_SUBSCRIPTIONS");
    }
    Optional<String> caller = event.caller().objectId();
    if (caller.isPresent() && caller.get().equalsIgnoreCase(selfObjectId.get())) {
      return Optional.of("driftguard's own write (caller object id " + caller.get() + ")");
    }
    return Optional.empty();
  }
}
