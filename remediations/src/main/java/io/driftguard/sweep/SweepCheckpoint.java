package io.driftguard.sweep;

import io.driftguard.resource.ResourceIds;
import io.driftguard.state.ArmGateway;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where an unfinished sweep stopped: the run, the subscription, the skip token of the page of its site list (empty:
 * the first page), and how many sites at the start of that page are done. Only a skip token, never a URL: whoever can
 * write the stored checkpoint cannot choose where driftguard sends its next request. Every part is checked when the
 * checkpoint is made, so a stored one is checked when it is read.
 */
public record SweepCheckpoint(String runId, String subscription, Optional<String> skipToken, int doneInPage) {

  private static final Pattern RUN_ID = Pattern.compile("[0-9]{8}T[0-9]{6}-[0-9a-f]{4}");
  /** More than any ARM page holds. */
  private static final int MAX_DONE_IN_PAGE = 10_000;

  /** @throws IllegalArgumentException naming the part that is not what a sweep would have stored */
  public SweepCheckpoint {
    if (runId == null || !RUN_ID.matcher(runId).matches()) {
      throw new IllegalArgumentException("its run id is not one a sweep makes");
    }
    if (!ResourceIds.isGuid(subscription)) {
      throw new IllegalArgumentException("its subscription is not a GUID");
    }
    if (skipToken == null || (skipToken.isPresent() && !ArmGateway.isValidSkipToken(skipToken.get()))) {
      throw new IllegalArgumentException("its skip token is not one ARM could have issued");
    }
    if (doneInPage < 0 || doneInPage > MAX_DONE_IN_PAGE) {
      throw new IllegalArgumentException("its count of sites done is out of range");
    }
  }
}
