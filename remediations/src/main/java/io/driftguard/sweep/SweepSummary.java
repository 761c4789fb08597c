package io.driftguard.sweep;

import io.driftguard.engine.Outcome;
import java.util.List;
import java.util.Map;

/**
 * How a sweep ended: {@code complete} false when it stopped at its time limit (the checkpoint says where to resume);
 * how many function apps and slots it decided, by outcome; the ARM reads its listings took (site list pages and slot
 * lists, or Resource Graph query pages and the publishing-policy lists of apps it did not flag; retries included); the sites it passed over because they are not function apps; and what went wrong (a
 * subscription it may not list, a listing ARM refused for now).
 */
public record SweepSummary(String runId, boolean complete, int decided, Map<Outcome, Integer> outcomes, int listReads,
                           int notFunctionApps, List<String> problems, long elapsedMs) {

  public SweepSummary {
    outcomes = Map.copyOf(outcomes);
    problems = List.copyOf(problems);
  }
}
