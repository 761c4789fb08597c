package io.driftguard.documents;

import io.driftguard.resource.ResourceIds;
import java.util.List;
import java.util.Optional;

/**
 * The documents driftguard knows. None of them reveals a secret when read: app settings, connection strings,
 * publishing credentials, keys and {@code config/authsettingsV2/list} are not documents here and never will be.
 */
public final class Documents {

  /** {@code GET/PATCH {site}}: kind, tags, identity and site properties such as {@code httpsOnly}. */
  public static final Document SITE = new Document("site", Optional.empty(), Optional.of(WriteVerb.PATCH), "",
      List.of(""), List.of(new Document.Extension(ResourceIds.TAGS_EXTENSION, "Microsoft.Resources/tags/write")),
      Optional.empty());
  /** {@code GET/PATCH {site}/config/web}: general settings such as {@code ftpsState} and {@code minTlsVersion}. */
  public static final Document WEB_CONFIG = new Document("config/web", Optional.of("config/web"),
      Optional.of(WriteVerb.PATCH), "/config", List.of("/config"), List.of(), Optional.empty());
  /** {@code GET/PUT {site}/basicPublishingCredentialsPolicies/ftp}: {@code allow}; ARM has no PATCH for it. */
  public static final Document FTP_BASIC_AUTH = publishingPolicy("ftp");
  /** {@code GET/PUT {site}/basicPublishingCredentialsPolicies/scm}: {@code allow} (Kudu, zip deploy, WebDeploy). */
  public static final Document SCM_BASIC_AUTH = publishingPolicy("scm");
  /**
   * {@code GET {site}/config/authsettingsV2}: the variant without secrets ({@code .../list} is the one with them).
   * Never written: its only write is a PUT of the whole authentication configuration.
   */
  public static final Document AUTH_SETTINGS = new Document("config/authsettingsV2", Optional.of("config/authsettingsV2"),
      Optional.empty(), "/config", List.of("/config"), List.of(), Optional.empty());

  /** Every document, the site first. */
  public static final List<Document> ALL = List.of(SITE, WEB_CONFIG, FTP_BASIC_AUTH, SCM_BASIC_AUTH, AUTH_SETTINGS);

  private Documents() {}

  /**
   * Writes to a policy are reported as {@code basicPublishingCredentialsPolicies/write} or with the policy's name
   * (azure-facts: unverified which), so both are handled. {@code GET {site}/basicPublishingCredentialsPolicies} lists
   * both policies in one read.
   */
  private static Document publishingPolicy(String name) {
    String type = "/basicPublishingCredentialsPolicies";
    return new Document("basicPublishingCredentialsPolicies/" + name,
        Optional.of("basicPublishingCredentialsPolicies/" + name), Optional.of(WriteVerb.PUT), type + "/" + name,
        List.of(type, type + "/" + name), List.of(), Optional.of(type.substring(1)));
  }
}
