package io.driftguard.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.resource.HostingModel;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.ArmException;
import io.driftguard.state.ArmGateway;
import io.driftguard.state.ArmGateway.SitePage;
import io.driftguard.state.SiteState;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * A sweep that lists every site of each subscription through ARM, page by page: the site list gives each site's
 * document, so a function app costs only the other documents its controls need and its slot list. A run cut short
 * checkpoints the subscription, the page's skip token and how many of the page it finished.
 */
final class ArmListingSweep {

  private final SweepRun run;
  private final ArmGateway gateway;
  private final ExecutorService workers;

  ArmListingSweep(SweepRun run, ArmGateway gateway, ExecutorService workers) {
    this.run = run;
    this.gateway = gateway;
    this.workers = workers;
  }

  SweepSummary sweep() {
    List<String> subscriptions = run.request().subscriptions();
    Optional<SweepCheckpoint> from = run.resumedFrom(SweepSource.ARM);
    int first = from.map(checkpoint -> subscriptions.indexOf(checkpoint.subscription())).orElse(0);
    for (int index = first; index < subscriptions.size(); index++) {
      String subscription = subscriptions.get(index);
      boolean resuming = index == first && from.isPresent();
      Optional<String> skipToken = resuming ? from.get().skipToken() : Optional.empty();
      int skip = resuming ? from.get().doneInPage() : 0;
      while (true) {
        if (run.outOfTime()) {
          return run.stopListing(subscription, skipToken, skip);
        }
        SitePage listed;
        try {
          Optional<String> at = skipToken;
          listed = run.listing(budget -> gateway.listSites(subscription, at, budget));
        } catch (ArmException e) {
          run.problem(e.getMessage());
          if (e.isRetryable()) {
            return run.stopListing(subscription, skipToken, skip);
          }
          break;
        }
        run.listener().listed(subscription, listed.sites().size());
        List<JsonNode> sites = listed.sites().subList(Math.min(skip, listed.sites().size()), listed.sites().size());
        int done = run.sweepPage(sites, site -> sweepSite(subscription, site), workers);
        if (done < sites.size()) {
          return run.stopListing(subscription, skipToken, skip + done);
        }
        if (listed.skipToken().isEmpty()) {
          break;
        }
        skipToken = listed.skipToken();
        skip = 0;
      }
    }
    return run.completed();
  }

  /**
   * Evaluates a function app and its slots; other sites are passed over without a read. A listed id that does not
   * parse, or names another subscription than the one listed, is a failure, never passed over. Returns false when
   * its slots could not be listed for now: the site is not finished, and a resumed run starts again with it.
   */
  private boolean sweepSite(String subscription, JsonNode listed) {
    Optional<SiteRef> site = run.trusted(subscription, listed);
    if (site.isEmpty()) {
      return true;
    }
    if (!SiteState.isFunctionAppKind(listed.path("kind").asText(""))) {
      run.notAFunctionApp();
      return true;
    }
    run.decideListed(site.get(), listed);
    if (!HostingModel.of(listed).hasSlots()) {
      return true;
    }
    try {
      for (JsonNode slot : run.listing(budget -> gateway.listSlots(site.get(), budget))) {
        run.trusted(subscription, slot).ifPresent(slotRef -> run.decideListed(slotRef, slot));
      }
      return true;
    } catch (ArmException e) {
      run.problem(e.getMessage());
      return !e.isRetryable();
    }
  }
}
