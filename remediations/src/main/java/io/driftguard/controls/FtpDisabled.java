package io.driftguard.controls;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.Document;
import java.util.Optional;

/**
 * Plain FTP sends credentials in clear text. {@code Disabled} is always compliant; {@code FtpsOnly} is compliant
 * when the admin chose it as the target state, and is then what a fix writes.
 */
final class FtpDisabled implements Control {

  private static final String PROPERTY = "ftpsState";

  private final FtpsTarget target;

  FtpDisabled(FtpsTarget target) {
    this.target = target;
  }

  @Override
  public String id() {
    return "ftp-disabled";
  }

  @Override
  public String title() {
    return "FTP disabled";
  }

  @Override
  public Document document() {
    return Document.WEB_CONFIG;
  }

  @Override
  public Evaluation evaluate(JsonNode properties) {
    JsonNode value = properties.path(PROPERTY);
    String observed = Evaluation.describe(value);
    boolean compliant = value.isTextual() && target.accepts(value.asText());
    return compliant
        ? Evaluation.compliant(observed, target.description())
        : Evaluation.drift(observed, target.description(), PROPERTY, target.armValue());
  }

  @Override
  public Optional<GraphPredicate> graphPredicate() {
    return Optional.of(GraphPredicate.of(document(), PROPERTY, target.compliantValues()));
  }

  @Override
  public String manualFix(SiteRef site) {
    return CliCommands.functionApp("config set", site, "--ftps-state", target.armValue());
  }
}
