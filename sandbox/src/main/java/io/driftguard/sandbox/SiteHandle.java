package io.driftguard.sandbox;

import java.util.Locale;
import java.util.Objects;

/** Names a seeded site or slot and builds the resource ids under it. */
public record SiteHandle(String subscriptionId, String resourceGroup, String site, String slot) {

  public SiteHandle {
    Objects.requireNonNull(subscriptionId, "subscriptionId");
    Objects.requireNonNull(resourceGroup, "resourceGroup");
    Objects.requireNonNull(site, "site");
  }

  public boolean isSlot() {
    return slot != null;
  }

  /** {@code /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Web/sites/{site}[/slots/{slot}]} */
  public String id() {
    String siteId = "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
        + "/providers/Microsoft.Web/sites/" + site;
    return isSlot() ? siteId + "/slots/" + slot : siteId;
  }

  public String webConfigId() {
    return id() + "/config/web";
  }

  /** The site's or slot's tags as the Tags API addresses them. */
  public String tagsId() {
    return id() + "/providers/Microsoft.Resources/tags/default";
  }

  /** @param policy {@code ftp} or {@code scm} */
  public String publishingPolicyId(String policy) {
    return id() + "/basicPublishingCredentialsPolicies/" + policy;
  }

  SiteHandle parent() {
    return new SiteHandle(subscriptionId, resourceGroup, site, null);
  }

  /** ARM resource names are case-insensitive. */
  String key() {
    return id().toLowerCase(Locale.ROOT);
  }
}
