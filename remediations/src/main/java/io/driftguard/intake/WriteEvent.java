package io.driftguard.intake;

import io.driftguard.resource.ResourceTarget;
import io.driftguard.resource.SiteRef;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * A {@code ResourceWriteSuccess} event that passed intake: its resource id parsed strictly and its subscription
 * agreed with the topic. It says which site to re-read; it never supplies the values decisions are based on.
 */
public record WriteEvent(
    String eventId,
    OffsetDateTime eventTime,
    ResourceTarget target,
    Optional<String> operationName,
    Caller caller,
    Optional<String> correlationId) {

  public SiteRef site() {
    return target.site();
  }
}
