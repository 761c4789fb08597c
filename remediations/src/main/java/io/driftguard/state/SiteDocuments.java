package io.driftguard.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.documents.Document;
import io.driftguard.resource.HostingModel;
import io.driftguard.resource.SiteRef;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The engine's door to ARM: a site's documents read, completed with what its controls need, and written sparsely.
 * Every call spends from the event's {@link CallBudget}. {@link StateReader} is the one over ARM.
 */
public interface SiteDocuments {

  /** Starts fetching what the first read needs (an ARM token) in the background, for a caller about to read. */
  default void prepare() {}

  /**
   * The site, and with it what {@code likelyNeeded} names for its hosting model when the site is known to be a function
   * app of that model. Throws when the site itself cannot be read (a 404 means it is gone); another document ARM lacks
   * is in {@link SiteState#lacking()}.
   */
  SiteState read(SiteRef ref, Function<HostingModel, Set<Document>> likelyNeeded, CallBudget usage);

  /** {@code state} with the documents in {@code needed} it lacks read, as {@link #read} reads them. */
  SiteState complete(SiteState state, Set<Document> needed, CallBudget usage);

  /**
   * Writes each document's sparse body, all at once; every write ends before this returns, each outcome its
   * document's own, in the order of {@code bodies}.
   */
  Map<Document, Written> writeAll(SiteRef ref, Map<Document, ObjectNode> bodies, CallBudget usage);

  /** The slots of a site, each as listed (its site document); a listed id that does not parse is left out. */
  Map<SiteRef, SiteState> slots(SiteRef site, CallBudget usage);

  /** What ARM answered one write: the resource as written, or why it failed (empty when it did not). */
  record Written(Optional<JsonNode> answer, Optional<ArmException> failure) {}
}
