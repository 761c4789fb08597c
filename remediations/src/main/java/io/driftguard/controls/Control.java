package io.driftguard.controls;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.Document;
import java.util.Optional;

/**
 * One security control: reads one document of a site and, when the setting is wrong, proposes the sparse fix.
 * Controls are stateless and never call anything; the engine reads, decides and writes.
 */
public interface Control {

  /** Stable id used in settings ({@code DRIFTGUARD_RULE_<ID>}), tags, decisions and alerts, e.g. {@code min-tls}. */
  String id();

  /** What the control asks for, for people. */
  String title();

  /** The document this control reads and fixes. */
  Document document();

  /** Judges the {@code properties} of {@link #document()}; a missing or unknown value is a finding. */
  Evaluation evaluate(JsonNode properties);

  /** The Azure CLI command a person runs to fix it by hand. */
  String manualFix(SiteRef site);

  /**
   * How Azure Resource Graph can tell that this control may be broken, for a sweep's pre-filter; empty when Resource
   * Graph does not index what it reads, so that every app is a candidate and read directly.
   */
  default Optional<GraphPredicate> graphPredicate() {
    return Optional.empty();
  }
}
