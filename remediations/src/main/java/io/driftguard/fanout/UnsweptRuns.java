package io.driftguard.fanout;

/**
 * How many reconcile runs in a row queued a subscription's sweep without a sweep of it running since: whatever keeps
 * its sweeps from running (a claim nobody releases, a queue nobody reads, a message that always fails), the count
 * grows, and the timer raises it.
 */
public interface UnsweptRuns {

  /** Counts one more run that queued {@code subscription}; returns the count, this run included. */
  int queued(String subscription);

  /** A sweep of {@code subscription} ran (to its end or its time limit): the count starts again. */
  void swept(String subscription);
}
