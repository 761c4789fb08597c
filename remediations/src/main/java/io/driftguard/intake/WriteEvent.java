package io.driftguard.intake;

import io.driftguard.resource.ResourceIds;
import io.driftguard.resource.ResourceTarget;
import io.driftguard.resource.SiteRef;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Why a site is evaluated: a {@code ResourceWriteSuccess} event that passed intake (its resource id parsed strictly,
 * its subscription agreeing with the topic), or a sweep that found the site in a listing. It says which site to
 * evaluate; it never supplies the values decisions are based on.
 */
public record WriteEvent(
    String eventId,
    OffsetDateTime eventTime,
    ResourceTarget target,
    Optional<String> operationName,
    Caller caller,
    Optional<String> correlationId,
    boolean foundBySweep) {

  /** A site or slot a sweep found in a listing; {@code runId} ties its decisions together. */
  public static WriteEvent sweep(SiteRef site, String runId, OffsetDateTime now) {
    return new WriteEvent("sweep-" + runId + "-" + site.key().replace('/', '-'), now,
        new ResourceTarget(site, Optional.empty()), Optional.empty(), Caller.UNKNOWN, Optional.of(runId), true);
  }

  public SiteRef site() {
    return target.site();
  }

  /**
   * Who wrote the app's tags, as an exemption names its writer: the caller of a Tags API write or of a write of the site
   * or slot itself (which carries its tags); a write of another document, or a sweep, does not say.
   */
  public String tagWriter() {
    if (foundBySweep) {
      return "someone before this sweep (a sweep knows no writer)";
    }
    return target.child().filter(child -> !child.equals(ResourceIds.TAGS_EXTENSION))
        .map(child -> "someone before this write of " + child)
        .orElse(caller.displayName());
  }

  /** Who to name as having changed the site: the caller, or the sweep that found it. */
  public String changedBy() {
    return foundBySweep ? "found by sweep " + correlationId.orElse("") : caller.displayName();
  }
}
