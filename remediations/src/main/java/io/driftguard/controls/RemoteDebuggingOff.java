package io.driftguard.controls;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.Document;

/** Remote debugging opens a debugger port to the worker; it must stay off outside a debugging session. */
final class RemoteDebuggingOff implements Control {

  private static final String PROPERTY = "remoteDebuggingEnabled";

  @Override
  public String id() {
    return "remote-debugging-off";
  }

  @Override
  public String title() {
    return "Remote debugging off";
  }

  @Override
  public Document document() {
    return Document.WEB_CONFIG;
  }

  @Override
  public Evaluation evaluate(JsonNode properties) {
    JsonNode value = properties.path(PROPERTY);
    String observed = Evaluation.describe(value);
    return value.isBoolean() && !value.booleanValue()
        ? Evaluation.compliant(observed, "false")
        : Evaluation.drift(observed, "false", PROPERTY, false);
  }

  @Override
  public String manualFix(SiteRef site) {
    return CliCommands.functionApp("config set", site) + " --remote-debugging-enabled false";
  }
}
