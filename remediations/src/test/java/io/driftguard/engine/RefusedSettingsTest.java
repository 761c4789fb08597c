package io.driftguard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.controls.Control;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.resource.HostingModel;
import io.driftguard.resource.ResourceIds;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.ArmException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RefusedSettingsTest {

  private static final List<String> WRITTEN = List.of("ftpsState", "minTlsVersion", "remoteDebuggingEnabled");

  private static ArmException badRequest(String message) {
    return new ArmException(400, "BadRequest", "config/web of func-a: BadRequest " + message, null);
  }

  @Test
  void aRefusalNamingThePropertyAndTheHostingModelIsRecognised() {
    assertEquals(Set.of("ftpsState"), RefusedSettings.refusedProperties(badRequest("The following site configuration "
        + "property (Site.SiteConfig.FtpsState) for Flex Consumption sites is invalid.  Please remove or rename it "
        + "before retrying."), WRITTEN));
    assertEquals(Set.of("ftpsState", "remoteDebuggingEnabled"), RefusedSettings.refusedProperties(badRequest(
        "The following list of 2 site configuration properties (Site.SiteConfig.FtpsState, "
            + "Site.SiteConfig.RemoteDebuggingEnabled) for Flex Consumption sites is invalid."), WRITTEN));
    assertEquals(Set.of("minTlsVersion"), RefusedSettings.refusedProperties(badRequest("MinTlsVersion is invalid.  "
        + "MinTlsVersion is not supported for Azure Functions on Azure Container apps. Please retry the operation "
        + "without MinTlsVersion."), WRITTEN));
  }

  @Test
  void otherFailuresAreNotRefusalsOfASetting() {
    assertEquals(Set.of(), RefusedSettings.refusedProperties(badRequest("The parameter minTlsVersion has an invalid "
        + "value."), WRITTEN), "no hosting model named");
    assertEquals(Set.of(), RefusedSettings.refusedProperties(new ArmException(403, "AuthorizationFailed",
        "config/web: AuthorizationFailed minTlsVersion on Flex Consumption", null), WRITTEN));
    assertEquals(Set.of(), RefusedSettings.refusedProperties(badRequest("Site.SiteConfig.LinuxFxVersion for Flex "
        + "Consumption sites is invalid."), WRITTEN), "a property driftguard did not write");
  }

  @Test
  void aRefusalHoldsUntilTheHostingModelChanges() throws Exception {
    RefusedSettings refusals = new RefusedSettings();
    SiteRef site = ResourceIds.parse("/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/"
        + "Microsoft.Web/sites/func-a").site();
    Control debugging = ControlCatalog.defaults().find("remote-debugging-off").orElseThrow();
    refusals.remember(site, debugging, HostingModel.FLEX_CONSUMPTION, "refused", Instant.parse("2026-12-06T10:00:00Z"));

    Optional<String> known = refusals.knownRefusal(site, debugging, HostingModel.FLEX_CONSUMPTION);
    assertEquals(Optional.of("ARM refuses this setting on this app (Flex Consumption, since 2026-12-06T10:00:00Z): "
        + "refused"), known);
    assertTrue(refusals.knownRefusal(site, ControlCatalog.defaults().find("min-tls").orElseThrow(),
        HostingModel.FLEX_CONSUMPTION).isEmpty(), "only that control");
    assertTrue(refusals.knownRefusal(site, debugging, HostingModel.LINUX_PREMIUM_OR_DEDICATED).isEmpty(),
        "the app moved: tried again");
    assertTrue(refusals.knownRefusal(site, debugging, HostingModel.FLEX_CONSUMPTION).isEmpty(), "and forgotten");
  }
}
