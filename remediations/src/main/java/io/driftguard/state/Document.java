package io.driftguard.state;

/** The ARM documents of a site (or slot) that controls read and fix. Each is read with one GET and fixed with one PATCH. */
public enum Document {
  /** {@code GET/PATCH {site}}: kind, tags and site properties such as {@code httpsOnly}. */
  SITE("site"),
  /** {@code GET/PATCH {site}/config/web}: general settings such as {@code ftpsState} and {@code minTlsVersion}. */
  WEB_CONFIG("config/web");

  private final String path;

  Document(String path) {
    this.path = path;
  }

  /** How people and logs name it. */
  public String path() {
    return path;
  }
}
