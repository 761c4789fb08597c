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
