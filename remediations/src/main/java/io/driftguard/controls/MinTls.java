package io.driftguard.controls;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.Document;
import java.util.Optional;

/** Clients must negotiate at least the minimum TLS version; a higher version is compliant and never downgraded. */
final class MinTls implements Control {

  private static final String PROPERTY = "minTlsVersion";

  private final TlsVersion minimum;

  MinTls(TlsVersion minimum) {
    this.minimum = minimum;
  }

  @Override
  public String id() {
    return "min-tls";
  }

  @Override
  public String title() {
    return "Minimum TLS version " + minimum + " or higher";
  }

  @Override
  public Document document() {
    return Document.WEB_CONFIG;
  }

  @Override
  public Evaluation evaluate(JsonNode properties) {
    JsonNode value = properties.path(PROPERTY);
    String observed = Evaluation.describe(value);
    String desired = minimum + " or higher";
    Optional<TlsVersion> version = value.isTextual() ? TlsVersion.parse(value.asText()) : Optional.empty();
    return version.filter(v -> v.compareTo(minimum) >= 0).isPresent()
        ? Evaluation.compliant(observed, desired)
        : Evaluation.drift(observed, desired, PROPERTY, minimum.toString());
  }

  @Override
  public Optional<GraphPredicate> graphPredicate() {
    return Optional.of(GraphPredicate.of(document(), PROPERTY,
        TlsVersion.KNOWN.stream().filter(v -> v.compareTo(minimum) >= 0).map(TlsVersion::toString).toList()));
  }

  @Override
  public String manualFix(SiteRef site) {
    return CliCommands.functionApp("config set", site, "--min-tls-version", minimum.toString());
  }
}
