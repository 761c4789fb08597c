package io.driftguard.sweep;

import io.driftguard.resource.InvalidResourceIdException;
import io.driftguard.resource.ResourceIds;
import io.driftguard.state.ArmGateway;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where an unfinished sweep stopped, by the source it listed from. An ARM listing: the subscription, the skip token of
 * the page of its site list (empty: the first page), and how many sites at the start of that page are done. A Resource
 * Graph query: the skip token of the page of its answer, and the id of the last candidate done in that page (the
 * answer is ordered by id; empty: none yet), with the subscription that id belongs to. Only a skip token, never a URL:
 * whoever can write the stored checkpoint cannot choose where driftguard sends its next request. Every part is checked
 * when the checkpoint is made, so a stored one is checked when it is read.
 */
public record SweepCheckpoint(SweepSource source, String runId, String subscription, Optional<String> skipToken,
                              int doneInPage, Optional<String> lastId) {

  private static final Pattern RUN_ID = Pattern.compile("[0-9]{8}T[0-9]{6}-[0-9a-f]{4}");
  /** More than any ARM page holds. */
  private static final int MAX_DONE_IN_PAGE = 10_000;

  /** Where an ARM listing of {@code subscription} stopped. */
  public static SweepCheckpoint listing(String runId, String subscription, Optional<String> skipToken, int doneInPage) {
    return new SweepCheckpoint(SweepSource.ARM, runId, subscription, skipToken, doneInPage, Optional.empty());
  }

  /** Where a Resource Graph sweep stopped: after {@code lastId} in the page of {@code skipToken}. */
  public static SweepCheckpoint resourceGraph(String runId, String subscription, Optional<String> skipToken,
                                              Optional<String> lastId) {
    return new SweepCheckpoint(SweepSource.RESOURCE_GRAPH, runId, subscription, skipToken, 0, lastId);
  }

  /** @throws IllegalArgumentException naming the part that is not what a sweep would have stored */
  public SweepCheckpoint {
    if (source == null) {
      throw new IllegalArgumentException("its source is not one a sweep lists from");
    }
    if (runId == null || !RUN_ID.matcher(runId).matches()) {
      throw new IllegalArgumentException("its run id is not one a sweep makes");
    }
    if (!ResourceIds.isGuid(subscription)) {
      throw new IllegalArgumentException("its subscription is not a GUID");
    }
    if (skipToken == null || (skipToken.isPresent() && !ArmGateway.isValidSkipToken(skipToken.get()))) {
      throw new IllegalArgumentException("its skip token is not one ARM could have issued");
    }
    if (doneInPage < 0 || doneInPage > MAX_DONE_IN_PAGE || (source == SweepSource.RESOURCE_GRAPH && doneInPage != 0)) {
      throw new IllegalArgumentException("its count of sites done is out of range");
    }
    if (lastId == null || (lastId.isPresent() && (source != SweepSource.RESOURCE_GRAPH
        || !isSiteOf(lastId.get(), subscription)))) {
      throw new IllegalArgumentException("its last id is not a site or slot of its subscription");
    }
  }

  private static boolean isSiteOf(String id, String subscription) {
    try {
      return ResourceIds.parse(id).site().subscriptionId().equalsIgnoreCase(subscription);
    } catch (InvalidResourceIdException e) {
      return false;
    }
  }
}
