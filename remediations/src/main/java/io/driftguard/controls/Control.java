package io.driftguard.controls;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.documents.Document;
import io.driftguard.resource.SiteRef;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One security control: judges documents of a site or slot and, when the setting is wrong, proposes the sparse fix of
 * one document. Controls are stateless and never call anything; the engine reads, decides and writes.
 */
public interface Control {

  /** Stable id used in settings ({@code DRIFTGUARD_RULE_<ID>}), tags, decisions and alerts, e.g. {@code min-tls}. */
  String id();

  /** What the control asks for, for people. */
  String title();

  /** The document a fix writes and findings name. */
  Document document();

  /** The documents it judges: its own {@link #document()} unless it needs more. */
  default Set<Document> reads() {
    return Set.of(document());
  }

  /** What a fix can break, and so how far the resolved mode may go. */
  Risk risk();

  /** An architecture choice many apps rightly lack: off unless a setting or tag turns it on. */
  boolean optIn();

  /** Where people look the same check up: the Azure Policy built-in and Defender for Cloud recommendation. */
  List<String> peers();

  /**
   * The property whose values findings show, as its path under {@code properties} (e.g. {@code allow},
   * {@code platform.enabled}); empty when the values sum up more than one property.
   */
  default Optional<String> property() {
    return Optional.empty();
  }

  /** Judges the resources (whole ARM answers) of {@link #reads()}; a missing or unknown value is a finding. */
  Evaluation evaluate(Function<Document, JsonNode> resources);

  /** The hosting models it applies on; elsewhere it is not applicable, with the reason. */
  default Applicability applicability() {
    return Applicability.EVERYWHERE;
  }

  /** The Azure CLI command a person runs to fix it by hand. */
  String manualFix(SiteRef site);

  /**
   * How Azure Resource Graph can tell that this control may be broken, for a sweep's pre-filter; empty when it cannot:
   * then a sweep reads, app by app, the documents it judges if Resource Graph indexes none of them (the publishing
   * policies), and otherwise makes every app a candidate.
   */
  default Optional<GraphPredicate> graphPredicate() {
    return Optional.empty();
  }
}
