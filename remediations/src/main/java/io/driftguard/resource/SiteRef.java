package io.driftguard.resource;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A function app or one of its deployment slots, as named by ARM. Instances only come from {@link ResourceIds}, so
 * every part has already been validated.
 */
public record SiteRef(String subscriptionId, String resourceGroup, String site, Optional<String> slot) {

  public SiteRef {
    Objects.requireNonNull(subscriptionId, "subscriptionId");
    Objects.requireNonNull(resourceGroup, "resourceGroup");
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(slot, "slot");
  }

  public static SiteRef site(String subscriptionId, String resourceGroup, String site) {
    return new SiteRef(subscriptionId, resourceGroup, site, Optional.empty());
  }

  public SiteRef withSlot(String slotName) {
    return new SiteRef(subscriptionId, resourceGroup, site, Optional.of(slotName));
  }

  public boolean isSlot() {
    return slot.isPresent();
  }

  /** The canonical ARM id, in the casing it was given. */
  public String id() {
    String siteId = "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
        + "/providers/Microsoft.Web/sites/" + site;
    return slot.map(s -> siteId + "/slots/" + s).orElse(siteId);
  }

  /** ARM ids are case-insensitive: this key identifies the same resource however an event spells it. */
  public String key() {
    return id().toLowerCase(Locale.ROOT);
  }

  /** A short name for people: {@code site} or {@code site/slot}. */
  public String displayName() {
    return slot.map(s -> site + "/" + s).orElse(site);
  }

  @Override
  public String toString() {
    return id();
  }
}
