package io.driftguard.sweep;

import java.util.Optional;

/**
 * Where an unfinished sweep stopped: the run, the subscription, the page of its site list (empty: the first), and how
 * many sites at the start of that page are done.
 */
public record SweepCheckpoint(String runId, String subscription, Optional<String> page, int doneInPage) {}
