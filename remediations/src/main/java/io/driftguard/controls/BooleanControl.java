package io.driftguard.controls;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.state.Document;
import java.util.List;
import java.util.Optional;

/** A control that wants one boolean property of one document to have one value; a fix writes that value. */
abstract class BooleanControl implements Control {

  private final String id;
  private final String title;
  private final Document document;
  private final String property;
  private final boolean wanted;

  BooleanControl(String id, String title, Document document, String property, boolean wanted) {
    this.id = id;
    this.title = title;
    this.document = document;
    this.property = property;
    this.wanted = wanted;
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final String title() {
    return title;
  }

  @Override
  public final Document document() {
    return document;
  }

  @Override
  public final Evaluation evaluate(JsonNode properties) {
    JsonNode value = properties.path(property);
    String observed = Evaluation.describe(value);
    return value.isBoolean() && value.booleanValue() == wanted
        ? Evaluation.compliant(observed, String.valueOf(wanted))
        : Evaluation.drift(observed, String.valueOf(wanted), property, wanted);
  }

  @Override
  public final Optional<GraphPredicate> graphPredicate() {
    return Optional.of(GraphPredicate.of(document, property, List.of(String.valueOf(wanted))));
  }
}
