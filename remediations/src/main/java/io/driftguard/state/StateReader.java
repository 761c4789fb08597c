package io.driftguard.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.documents.Document;
import io.driftguard.documents.Documents;
import io.driftguard.resource.SiteRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reads a site's documents, in parallel where that costs nothing: other documents are fetched alongside the site only
 * for sites already known to be function apps, so a plain web app costs exactly one read.
 */
public final class StateReader {

  private static final int KNOWN_SITES = 50_000;

  private final ArmGateway gateway;
  private final BoundedLruSet knownFunctionApps = new BoundedLruSet(KNOWN_SITES);
  private final ExecutorService readers = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "driftguard-arm-read");
    thread.setDaemon(true);
    return thread;
  });

  public StateReader(ArmGateway gateway) {
    this.gateway = gateway;
  }

  /** Reads the site, and with it {@code likelyNeeded} when the site is known to be a function app. */
  public SiteState read(SiteRef ref, Set<Document> likelyNeeded, CallBudget usage) {
    Set<Document> documents = new LinkedHashSet<>(List.of(Documents.SITE));
    if (knownFunctionApps.contains(ref.key())) {
      documents.addAll(likelyNeeded);
    }
    Map<Document, JsonNode> resources = readAll(ref, documents, usage);
    SiteState state = stateOf(ref, resources);
    if (state.isFunctionApp()) {
      knownFunctionApps.add(ref.key());
    } else {
      knownFunctionApps.remove(ref.key());
    }
    return state;
  }

  /** The state a site listing already holds: the site document, as listed. */
  public static SiteState fromListing(SiteRef ref, JsonNode listedSite) {
    return stateOf(ref, Map.of(Documents.SITE, listedSite));
  }

  private static SiteState stateOf(SiteRef ref, Map<Document, JsonNode> resources) {
    JsonNode site = resources.get(Documents.SITE);
    Map<String, String> tags = new LinkedHashMap<>();
    site.path("tags").fields().forEachRemaining(tag -> tags.put(tag.getKey(), tag.getValue().asText()));
    return new SiteState(ref, site.path("kind").asText(""), tags, resources);
  }

  /** Reads the documents in {@code needed} that {@code state} lacks. */
  public SiteState complete(SiteState state, Set<Document> needed, CallBudget usage) {
    Set<Document> missing = new LinkedHashSet<>();
    needed.stream().filter(document -> !state.resources().containsKey(document)).forEach(missing::add);
    if (missing.isEmpty()) {
      return state;
    }
    Map<Document, JsonNode> resources = new HashMap<>(state.resources());
    resources.putAll(readAll(state.ref(), missing, usage));
    return new SiteState(state.ref(), state.kind(), state.tags(), resources);
  }

  private Map<Document, JsonNode> readAll(SiteRef ref, Set<Document> documents, CallBudget usage) {
    if (documents.size() == 1) {
      Document only = documents.iterator().next();
      return Map.of(only, gateway.read(ref, only, usage));
    }
    List<Document> order = new ArrayList<>(documents);
    List<CompletableFuture<JsonNode>> reads = order.stream()
        .map(document -> CompletableFuture.supplyAsync(() -> gateway.read(ref, document, usage), readers))
        .toList();
    Map<Document, JsonNode> resources = new HashMap<>();
    for (int i = 0; i < order.size(); i++) {
      resources.put(order.get(i), join(reads.get(i)));
    }
    return resources;
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }
}
