package io.driftguard.controls;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.Document;

/** The site answers plain HTTP only with a redirect to HTTPS. */
final class HttpsOnly implements Control {

  private static final String PROPERTY = "httpsOnly";

  @Override
  public String id() {
    return "https-only";
  }

  @Override
  public String title() {
    return "HTTPS only";
  }

  @Override
  public Document document() {
    return Document.SITE;
  }

  @Override
  public Evaluation evaluate(JsonNode properties) {
    JsonNode value = properties.path(PROPERTY);
    String observed = Evaluation.describe(value);
    return value.isBoolean() && value.booleanValue()
        ? Evaluation.compliant(observed, "true")
        : Evaluation.drift(observed, "true", PROPERTY, true);
  }

  @Override
  public String manualFix(SiteRef site) {
    return CliCommands.functionApp("update", site) + " --set httpsOnly=true";
  }
}
