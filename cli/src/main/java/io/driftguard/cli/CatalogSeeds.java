package io.driftguard.cli;

import io.driftguard.controls.ControlCatalog;
import io.driftguard.documents.Document;
import io.driftguard.documents.Documents;
import io.driftguard.sandbox.FakeArm;
import io.driftguard.sandbox.SiteHandle;
import java.util.Map;

/** Sandbox apps as a secure deployment leaves them: what the catalog's fixes write, per document. */
final class CatalogSeeds {

  static final Map<Document, Map<String, Object>> SECURE = ControlCatalog.defaults().compliantValues();
  /** The config/web values every control is compliant with. */
  static final Map<String, Object> SECURE_CONFIG = SECURE.get(Documents.WEB_CONFIG);

  private CatalogSeeds() {}

  /** Seeds the documents beyond the site and config/web (the basic-auth publishing policies), with ARM's verb. */
  static SiteHandle secureBeyondSiteAndConfig(FakeArm arm, SiteHandle site) {
    SECURE.forEach((document, values) -> {
      if (!document.equals(Documents.SITE) && !document.equals(Documents.WEB_CONFIG)) {
        arm.seedDocument(document.write().orElseThrow().name(), site.id() + "/" + document.child().orElseThrow(),
            Json.write(Map.of("properties", values)));
      }
    });
    return site;
  }
}
