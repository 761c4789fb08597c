package io.driftguard.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.controls.Control;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.ArmException;
import io.driftguard.state.ArmGateway;
import io.driftguard.sweep.CandidateLister.Candidate;
import io.driftguard.sweep.CandidateLister.CandidatePage;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * A sweep of the candidates an index (Resource Graph) names, page by page, each confirmed by a fresh read. A run cut
 * short keeps a checkpoint of its own (the page's skip token and the last candidate done, by id, in the answer's id
 * order), and the next resumes after it: otherwise, in notify mode (where nothing leaves the answer), a run that never
 * finishes re-reads the head of the answer each time and never reaches its tail.
 */
final class CandidateSweep {

  private final SweepRun run;
  private final CandidateLister lister;
  private final ArmGateway gateway;
  private final ExecutorService workers;
  /** How the run goes on when the index cannot be used at all. */
  private final ArmListingSweep fallback;

  CandidateSweep(SweepRun run, CandidateLister lister, ArmGateway gateway, ExecutorService workers,
                 ArmListingSweep fallback) {
    this.run = run;
    this.lister = lister;
    this.gateway = gateway;
    this.workers = workers;
    this.fallback = fallback;
  }

  /**
   * From a Resource Graph checkpoint if there is one: its page again, after its last id. An index the identity may
   * not use (or that refuses the query) on its first page turns the run into an ARM listing, and the summary says so;
   * a resumed page it refuses (its token too old, or not its own) starts the run over from the first page, and says so.
   */
  SweepSummary sweep() {
    Optional<SweepCheckpoint> from = run.resumedFrom(SweepSource.RESOURCE_GRAPH);
    Optional<String> skipToken = from.flatMap(SweepCheckpoint::skipToken);
    Optional<String> lastId = from.flatMap(SweepCheckpoint::lastId);
    boolean firstPage = true;
    while (true) {
      if (run.outOfTime()) {
        return run.stopCandidates(skipToken, lastId);
      }
      CandidatePage page;
      try {
        Optional<String> at = skipToken;
        page = run.listing(budget -> lister.page(run.request().subscriptions(), at, budget));
      } catch (ArmException e) {
        if (firstPage && !e.isRetryable() && skipToken.isPresent()) {
          run.problem("the Resource Graph page the checkpoint names was refused, so the sweep started over: "
              + e.getMessage());
          skipToken = Optional.empty();
          lastId = Optional.empty();
          continue;
        }
        if (firstPage && !e.isRetryable()) {
          run.problem("Resource Graph could not be used, so every site was listed through ARM instead: "
              + e.getMessage());
          return fallback.sweep();
        }
        run.problem(e.getMessage());
        return run.stopCandidates(skipToken, lastId);
      }
      firstPage = false;
      run.listener().listed("Resource Graph", page.candidates().size());
      List<Candidate> rest = after(page.candidates(), lastId);
      int done = run.sweepPage(rest, this::confirmCandidate, workers);
      if (done < rest.size()) {
        Optional<String> doneLast = lastTrusted(rest.subList(0, done));
        return run.stopCandidates(skipToken, doneLast.isPresent() ? doneLast : lastId);
      }
      if (page.skipToken().isEmpty()) {
        break;
      }
      skipToken = page.skipToken();
      lastId = Optional.empty();
    }
    return run.completed();
  }

  /** The candidates after {@code lastId} in the answer's order (by id, which ARM compares ignoring case). */
  private static List<Candidate> after(List<Candidate> candidates, Optional<String> lastId) {
    if (lastId.isEmpty()) {
      return candidates;
    }
    String last = lastId.get().toLowerCase(Locale.ROOT);
    return candidates.stream()
        .filter(candidate -> candidate.row().path("id").asText("").toLowerCase(Locale.ROOT).compareTo(last) > 0)
        .toList();
  }

  /** The id of the last of {@code done} that names a site or slot of a swept subscription: one a checkpoint holds. */
  private Optional<String> lastTrusted(List<Candidate> done) {
    for (int index = done.size() - 1; index >= 0; index--) {
      String id = done.get(index).row().path("id").asText("");
      if (run.sweptSubscriptionOf(id).isPresent()) {
        return Optional.of(id);
      }
    }
    return Optional.empty();
  }

  /**
   * Reads a candidate afresh and decides it, if it names a site or slot of a swept subscription; one the index saw
   * nothing wrong with is first screened on the documents the index does not hold.
   */
  private boolean confirmCandidate(Candidate flagged) {
    JsonNode candidate = flagged.row();
    String named = candidate.path("subscriptionId").asText("");
    Optional<String> swept = run.request().subscriptions().stream().filter(named::equalsIgnoreCase).findFirst();
    if (swept.isEmpty()) {
      run.refuse(candidate.path("id").asText(""),
          "Resource Graph named a site outside the swept subscriptions; not touched");
      return true;
    }
    run.trusted(swept.get(), candidate)
        .filter(site -> flagged.readFirst().isEmpty() || screen(site, flagged.readFirst()))
        .ifPresent(run::decideCandidate);
    return true;
  }

  private boolean screen(SiteRef site, List<Control> controls) {
    return run.listing(budget -> UnindexedDocuments.mayShowDrift(gateway, site, controls, budget));
  }
}
