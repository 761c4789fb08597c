package io.driftguard.controls;

import io.driftguard.resource.SiteRef;
import io.driftguard.state.Document;

/** The site answers plain HTTP only with a redirect to HTTPS. */
final class HttpsOnly extends BooleanControl {

  HttpsOnly() {
    super("https-only", "HTTPS only", Document.SITE, "httpsOnly", true);
  }

  @Override
  public String manualFix(SiteRef site) {
    return CliCommands.functionApp("update", site, "--set", "httpsOnly=true");
  }
}
