package io.driftguard.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.documents.Document;
import io.driftguard.documents.Documents;
import io.driftguard.resource.InvalidResourceIdException;
import io.driftguard.resource.ResourceIds;
import io.driftguard.resource.SiteRef;
import io.driftguard.text.Printable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reads a site's documents, in parallel where that costs nothing: other documents are fetched alongside the site only
 * for sites already known to be function apps, so a plain web app costs exactly one read. Writes fixes of different
 * documents in parallel too.
 */
public final class StateReader implements SiteDocuments {

  private static final int KNOWN_SITES = 50_000;

  private final ArmGateway gateway;
  private final BoundedLruSet knownFunctionApps = new BoundedLruSet(KNOWN_SITES);
  private final ExecutorService armCalls = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "driftguard-arm");
    thread.setDaemon(true);
    return thread;
  });

  public StateReader(ArmGateway gateway) {
    this.gateway = gateway;
  }

  @Override
  public void prepare() {
    gateway.prepare();
  }

  @Override
  public SiteState read(SiteRef ref, Set<Document> likelyNeeded, CallBudget usage) {
    Set<Document> documents = new LinkedHashSet<>(List.of(Documents.SITE));
    if (knownFunctionApps.contains(ref.key())) {
      documents.addAll(likelyNeeded);
    }
    Reads reads = readAll(ref, documents, usage);
    SiteState state = stateOf(ref, reads.resources(), reads.lacking());
    if (state.isFunctionApp()) {
      knownFunctionApps.add(ref.key());
    } else {
      knownFunctionApps.remove(ref.key());
    }
    return state;
  }

  /** The state a site listing already holds: the site document, as listed. */
  public static SiteState fromListing(SiteRef ref, JsonNode listedSite) {
    return stateOf(ref, Map.of(Documents.SITE, listedSite), Map.of());
  }

  private static SiteState stateOf(SiteRef ref, Map<Document, JsonNode> resources, Map<Document, String> lacking) {
    JsonNode site = resources.get(Documents.SITE);
    Map<String, String> tags = new LinkedHashMap<>();
    site.path("tags").fields().forEachRemaining(tag -> tags.put(tag.getKey(), tag.getValue().asText()));
    return new SiteState(ref, site.path("kind").asText(""), tags, resources, lacking);
  }

  @Override
  public SiteState complete(SiteState state, Set<Document> needed, CallBudget usage) {
    Set<Document> missing = new LinkedHashSet<>();
    needed.stream().filter(document -> !state.resources().containsKey(document)).forEach(missing::add);
    if (missing.isEmpty()) {
      return state;
    }
    Reads reads = readAll(state.ref(), missing, usage);
    Map<Document, JsonNode> resources = new HashMap<>(state.resources());
    resources.putAll(reads.resources());
    Map<Document, String> lacking = new HashMap<>(state.lacking());
    lacking.putAll(reads.lacking());
    return new SiteState(state.ref(), state.kind(), state.tags(), resources, lacking);
  }

  /** The documents read, and those ARM lacks for this app, with why. */
  private record Reads(Map<Document, JsonNode> resources, Map<Document, String> lacking) {}

  /**
   * Reads the documents, in parallel when there are several. Only the site's own absence means the app is gone and is
   * thrown; another document ARM lacks or refuses to show is noted as lacking, so that only its controls go unjudged.
   */
  private Reads readAll(SiteRef ref, Set<Document> documents, CallBudget usage) {
    List<Document> order = new ArrayList<>(documents);
    // One document is read on the calling thread; several all at once.
    List<CompletableFuture<JsonNode>> alongside = order.size() == 1 ? List.of() : order.stream()
        .map(document -> CompletableFuture.supplyAsync(() -> gateway.read(ref, document, usage), armCalls))
        .toList();
    Map<Document, JsonNode> resources = new HashMap<>();
    Map<Document, String> lacking = new HashMap<>();
    for (int i = 0; i < order.size(); i++) {
      Document document = order.get(i);
      try {
        resources.put(document, alongside.isEmpty() ? gateway.read(ref, document, usage) : join(alongside.get(i)));
      } catch (ArmException e) {
        if (document.equals(Documents.SITE) || !e.isAbsence()) {
          throw e;
        }
        lacking.put(document, "ARM answered " + e.status() + " for " + Printable.abbreviate(e.getMessage()));
      }
    }
    return new Reads(resources, lacking);
  }

  /**
   * Different documents are independent resources: the first is written on the calling thread, the others alongside.
   * Failures other than ARM's answers are thrown, the first in the order of {@code bodies}.
   */
  @Override
  public Map<Document, Written> writeAll(SiteRef ref, Map<Document, ObjectNode> bodies, CallBudget usage) {
    List<Document> order = new ArrayList<>(bodies.keySet());
    List<CompletableFuture<Written>> others = order.stream().skip(1)
        .map(document -> CompletableFuture.supplyAsync(
            () -> write(ref, document, bodies.get(document), usage), armCalls))
        .toList();
    Map<Document, Written> outcomes = new LinkedHashMap<>();
    RuntimeException unexpected = null;
    for (int i = 0; i < order.size(); i++) {
      try {
        outcomes.put(order.get(i), i == 0 ? write(ref, order.get(0), bodies.get(order.get(0)), usage)
            : join(others.get(i - 1)));
      } catch (RuntimeException e) {
        unexpected = unexpected == null ? e : unexpected;
      }
    }
    if (unexpected != null) {
      throw unexpected;
    }
    return outcomes;
  }

  @Override
  public Map<SiteRef, SiteState> slots(SiteRef site, CallBudget usage) {
    Map<SiteRef, SiteState> slots = new LinkedHashMap<>();
    for (JsonNode slot : gateway.listSlots(site, usage)) {
      try {
        SiteRef slotRef = ResourceIds.parse(slot.path("id").asText("")).site();
        slots.put(slotRef, fromListing(slotRef, slot));
      } catch (InvalidResourceIdException e) {
        // A listed id driftguard would not act on either.
      }
    }
    return slots;
  }

  private Written write(SiteRef ref, Document document, ObjectNode body, CallBudget usage) {
    try {
      return new Written(Optional.of(gateway.write(ref, document, body, usage)), Optional.empty());
    } catch (ArmException e) {
      return new Written(Optional.empty(), Optional.of(e));
    }
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
