package io.driftguard.state;

import io.driftguard.resource.ResourceIds;
import java.util.List;
import java.util.Optional;

/**
 * The ARM documents of a site (or slot) that controls read and fix. Each is read with one GET and fixed with one PATCH,
 * and each names the RBAC actions those calls need and the write operation Event Grid reports for it: the role, the
 * event filter and intake are all derived from here.
 */
public enum Document {
  /** {@code GET/PATCH {site}}: kind, tags and site properties such as {@code httpsOnly}. */
  SITE("site", Optional.empty(), "Microsoft.Web/sites", "Microsoft.Web/sites/slots"),
  /** {@code GET/PATCH {site}/config/web}: general settings such as {@code ftpsState} and {@code minTlsVersion}. */
  WEB_CONFIG("config/web", Optional.of("config/web"), "Microsoft.Web/sites/config", "Microsoft.Web/sites/slots/config");

  private final String path;
  private final Optional<String> child;
  private final String siteType;
  private final String slotType;

  Document(String path, Optional<String> child, String siteType, String slotType) {
    this.path = path;
    this.child = child;
    this.siteType = siteType;
    this.slotType = slotType;
  }

  /** How people and logs name it. */
  public String path() {
    return path;
  }

  /** The child resource under the site or slot ({@code config/web}), or empty for the site itself. */
  public Optional<String> child() {
    return child;
  }

  /**
   * Writes to an extension resource of the site or slot that change this document, as Event Grid reports them: the
   * Tags API writes the site's tags. They need no read action of driftguard's, as the tags arrive with the site GET.
   */
  public List<Extension> extensions() {
    return this == SITE ? List.of(new Extension(ResourceIds.TAGS_EXTENSION, "Microsoft.Resources/tags/write")) : List.of();
  }

  /** An extension resource under a site or slot ({@code providers/...}) and the operation that writes it. */
  public record Extension(String child, String writeOperation) {}

  /** The RBAC actions reading it needs, for sites and slots. */
  public List<String> readActions() {
    return List.of(siteType + "/read", slotType + "/read");
  }

  /** The RBAC actions fixing it needs; also the {@code data.operationName} of the events that report writes to it. */
  public List<String> writeActions() {
    return List.of(siteType + "/write", slotType + "/write");
  }
}
