package io.driftguard.controls;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.documents.Document;
import io.driftguard.resource.SiteRef;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** A control that applies on fewer hosting models than its catalog entry says, by a setting; otherwise the same. */
final class Narrowed implements Control {

  private final Control control;
  private final Applicability applicability;

  Narrowed(Control control, Applicability applicability) {
    this.control = control;
    this.applicability = applicability;
  }

  @Override
  public String id() {
    return control.id();
  }

  @Override
  public String title() {
    return control.title();
  }

  @Override
  public Document document() {
    return control.document();
  }

  @Override
  public Set<Document> reads() {
    return control.reads();
  }

  @Override
  public Risk risk() {
    return control.risk();
  }

  @Override
  public boolean optIn() {
    return control.optIn();
  }

  @Override
  public List<String> peers() {
    return control.peers();
  }

  @Override
  public Evaluation evaluate(Function<Document, JsonNode> resources) {
    return control.evaluate(resources);
  }

  @Override
  public String manualFix(SiteRef site) {
    return control.manualFix(site);
  }

  @Override
  public Optional<GraphPredicate> graphPredicate() {
    return control.graphPredicate();
  }

  @Override
  public Applicability applicability() {
    return applicability;
  }

  @Override
  public String toString() {
    return control.id();
  }
}
