package io.driftguard.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.intake.Screened;
import io.driftguard.resource.SiteRef;
import java.util.Optional;

/** What enters the engine: an event of a delivery, or what a sweep found. Each gets one decision. */
public sealed interface Arrival {

  /** An event as intake screened it. */
  record Delivered(Screened screened) implements Arrival {}

  /**
   * A site or slot a sweep ({@code runId}) will evaluate: with its site document as a listing gave it (not read again),
   * or empty when an index (Resource Graph) named it, which may lag, so it is read afresh. A {@code dryRun} writes
   * and reports nothing, and each finding says what would be done.
   */
  record Swept(SiteRef site, Optional<JsonNode> listedSite, String runId, boolean dryRun) implements Arrival {}

  /**
   * A listed site a sweep will not touch (its id does not parse, or is not of the swept subscription): a failure,
   * reported unless the sweep is a dry run. {@code listedId} is hostile text.
   */
  record Refused(String listedId, String reason, String runId, boolean dryRun) implements Arrival {}

  static Arrival of(Screened screened) {
    return new Delivered(screened);
  }

  /** A site or slot a sweep found in a listing, with its site document as listed. */
  static Arrival listed(SiteRef site, JsonNode listedSite, String runId, boolean dryRun) {
    return new Swept(site, Optional.of(listedSite), runId, dryRun);
  }

  /** A site or slot an index named as possibly drifted: read afresh. */
  static Arrival candidate(SiteRef site, String runId, boolean dryRun) {
    return new Swept(site, Optional.empty(), runId, dryRun);
  }

  static Arrival refused(String listedId, String reason, String runId, boolean dryRun) {
    return new Refused(listedId, reason, runId, dryRun);
  }
}
