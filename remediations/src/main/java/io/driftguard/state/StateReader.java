package io.driftguard.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.documents.Document;
import io.driftguard.documents.Documents;
import io.driftguard.resource.HostingModel;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads a site's documents, in parallel where that costs nothing: other documents are fetched alongside the site only
 * for sites already known to be function apps, those their last known hosting model needs, so a plain web app costs
 * exactly one read and an app no control applies to one too. Writes fixes of different documents in parallel too.
 */
public final class StateReader implements SiteDocuments {

  private static final int KNOWN_SITES = 50_000;

  private final ArmGateway gateway;
  /** The hosting model of each function app last read. */
  private final BoundedLruMap<HostingModel> knownFunctionApps = new BoundedLruMap<>(KNOWN_SITES);
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

  /**
   * Reads the site, and with it what {@code likelyNeeded} names for its hosting model when the site is known to be a
   * function app (a model that changed since costs the read of a document the new one may not need).
   */
  @Override
  public SiteState read(SiteRef ref, Function<HostingModel, Set<Document>> likelyNeeded, CallBudget usage) {
    Set<Document> documents = new LinkedHashSet<>(List.of(Documents.SITE));
    knownFunctionApps.get(ref.key()).ifPresent(model -> documents.addAll(likelyNeeded.apply(model)));
    Reads reads = readAll(ref, documents, usage);
    SiteState state = stateOf(ref, reads.resources(), reads.lacking());
    if (state.isFunctionApp()) {
      knownFunctionApps.put(ref.key(), state.hostingModel());
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
   * Reads {@code documents}, each alone or, where two or more are listed in one collection (both publishing policies),
   * all of them with one list read; those a list did not give are then read alone. Only the site's own absence means
   * the app is gone and is thrown; another document ARM lacks or refuses to show is noted as lacking, so that only its
   * controls go unjudged.
   */
  private Reads readAll(SiteRef ref, Set<Document> documents, CallBudget usage) {
    Map<String, List<Document>> collections = new LinkedHashMap<>();
    documents.forEach(document -> document.listedWith().ifPresent(collection ->
        collections.computeIfAbsent(collection, key -> new ArrayList<>()).add(document)));
    collections.values().removeIf(siblings -> siblings.size() < 2);
    Map<Document, String> lacking = new ConcurrentHashMap<>();
    List<Supplier<Map<Document, JsonNode>>> reads = new ArrayList<>();
    collections.values().forEach(siblings -> reads.add(() -> SiblingReads.list(gateway, ref, siblings, usage)));
    documents.stream().filter(document -> collections.values().stream().noneMatch(siblings -> siblings.contains(document)))
        .forEach(document -> reads.add(() -> readAlone(ref, document, usage, lacking)));
    Map<Document, JsonNode> resources = new HashMap<>();
    if (reads.size() == 1) {
      resources.putAll(reads.get(0).get());
    } else {
      reads.stream().map(read -> CompletableFuture.supplyAsync(read, armCalls)).toList()
          .forEach(read -> resources.putAll(join(read)));
    }
    for (Document document : documents) {
      if (!resources.containsKey(document) && !lacking.containsKey(document)) {
        resources.putAll(readAlone(ref, document, usage, lacking));
      }
    }
    return new Reads(resources, lacking);
  }

  /** One document, or none where ARM lacks it for this app (then {@code lacking} says why). */
  private Map<Document, JsonNode> readAlone(SiteRef ref, Document document, CallBudget usage,
                                            Map<Document, String> lacking) {
    try {
      return Map.of(document, gateway.read(ref, document, usage));
    } catch (ArmException e) {
      if (document.equals(Documents.SITE) || !e.isAbsence()) {
        throw e;
      }
      lacking.put(document, "ARM answered " + e.status() + " for " + Printable.abbreviate(e.getMessage()));
      return Map.of();
    }
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
