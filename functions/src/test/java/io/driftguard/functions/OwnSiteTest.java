package io.driftguard.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.resource.SiteRef;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OwnSiteTest {

  private static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000000d9";

  @Test
  void appServiceNamesTheAppItsResourceGroupAndTheSubscriptionBeforeThePlusOfTheOwnerName() {
    assertEquals(Optional.of(SiteRef.site(SUBSCRIPTION, "rg-driftguard", "func-driftguard-x1")),
        OwnSite.fromEnvironment(Map.of("WEBSITE_SITE_NAME", "func-driftguard-x1", "WEBSITE_RESOURCE_GROUP", "rg-driftguard",
            "WEBSITE_OWNER_NAME", SUBSCRIPTION + "+rg-driftguard-WestEuropewebspace-Linux")));
  }

  /** App Service names the app driftguard runs in; its failure rows target it (moved here from SettingsTest). */
  @Test
  void driftguardsOwnAppComesFromWhatAppServiceSets() {
    Map<String, String> inAzure = Map.of("WEBSITE_SITE_NAME", "func-driftguard", "WEBSITE_RESOURCE_GROUP", "rg-driftguard",
        "WEBSITE_OWNER_NAME", "00000000-0000-0000-0000-00000000d9d9+rg-driftguard-WestEuropewebspace-Linux");
    assertEquals(Optional.of("/subscriptions/00000000-0000-0000-0000-00000000d9d9/resourceGroups/rg-driftguard"
        + "/providers/Microsoft.Web/sites/func-driftguard"), OwnSite.fromEnvironment(inAzure).map(SiteRef::id));
    assertEquals(Optional.empty(), OwnSite.fromEnvironment(Map.of()));
    // An owner that names no subscription: the host stops (the case below) instead of failure rows targeting nothing.
  }

  @Test
  void outsideAppServiceThereIsNoOwnApp() {
    assertEquals(Optional.empty(), OwnSite.fromEnvironment(Map.of("DRIFTGUARD_MODE", "notify")));
  }

  @Test
  void insideAppServiceAnOwnAppThatCannotBeToldStopsTheHost() {
    IllegalStateException noSubscription = assertThrows(IllegalStateException.class, () -> OwnSite.fromEnvironment(Map.of(
        "WEBSITE_SITE_NAME", "func-driftguard", "WEBSITE_RESOURCE_GROUP", "rg-driftguard",
        "WEBSITE_OWNER_NAME", "not-a-subscription+rg-driftguard-webspace")));
    assertTrue(noSubscription.getMessage().contains("WEBSITE_OWNER_NAME does not start with a subscription id"),
        noSubscription.getMessage());
    assertThrows(IllegalStateException.class, () -> OwnSite.fromEnvironment(Map.of("WEBSITE_SITE_NAME", "func/../x",
        "WEBSITE_RESOURCE_GROUP", "rg-driftguard", "WEBSITE_OWNER_NAME", SUBSCRIPTION + "+rg-driftguard-webspace")));
    assertThrows(IllegalStateException.class, () -> OwnSite.fromEnvironment(Map.of("WEBSITE_SITE_NAME", "func-driftguard")));
  }
}
