package io.driftguard.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.appservice.AppServiceManager;
import com.azure.resourcemanager.appservice.fluent.WebAppsClient;
import com.azure.resourcemanager.appservice.fluent.models.CsmPublishingCredentialsPoliciesEntityInner;
import com.azure.resourcemanager.appservice.fluent.models.SiteConfigResourceInner;
import com.azure.resourcemanager.appservice.fluent.models.SiteInner;
import com.azure.resourcemanager.appservice.fluent.models.SitePatchResourceInner;
import com.azure.resourcemanager.appservice.models.FtpsState;
import com.azure.resourcemanager.appservice.models.SupportedTlsVersions;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real Azure SDK (azure-resourcemanager-appservice, low-level WebAppsClient, JDK HttpClient) against the fake. */
class AzureSdkCompatibilityTest {
  private static final String SUB = "9d3c1a2b-0000-4000-8000-00000000abcd";
  private static final String RG = "rg-sdk";

  private static Sandbox sandbox;
  private static WebAppsClient webApps;

  @BeforeAll
  static void start() {
    sandbox = Sandbox.start(SandboxOptions.defaults().withPageSize(2));
    for (String name : List.of("func-1", "func-2", "func-3")) {
      sandbox.arm().seedSite(SUB, RG, name, "functionapp", Map.of(), false,
          Map.of("ftpsState", "AllAllowed", "minTlsVersion", "1.0"));
    }
    sandbox.arm().seedSlot(SUB, RG, "func-1", "staging", false, Map.of());
    webApps = webApps(sandbox, SUB);
  }

  /** The low-level client the bot uses, against the sandbox, for one subscription. */
  static WebAppsClient webApps(Sandbox sandbox, String subscriptionId) {
    Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
    endpoints.put("resourceManagerEndpointUrl", sandbox.armEndpoint().toString());
    AzureEnvironment environment = new AzureEnvironment(endpoints);
    // JdkHttpClientBuilder 1.1.2 has no sslContext(...): the JDK builder carries it.
    HttpClient http = new JdkHttpClientBuilder(
        java.net.http.HttpClient.newBuilder().sslContext(sandbox.sslContext())).build();
    return AppServiceManager.configure()
        .withHttpClient(http)
        .authenticate(SandboxCredentials.forRequestedScope(sandbox),
            new AzureProfile("tenant", subscriptionId, environment))
        .serviceClient()
        .getWebApps();
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  @Test
  void readsSitesAndTheirConfiguration() {
    SiteInner site = webApps.getByResourceGroup(RG, "func-1");
    assertEquals("functionapp", site.kind());
    assertFalse(site.httpsOnly());
    assertNull(site.siteConfig().ftpsState(), "settings are read from config/web, not from the site");

    SiteConfigResourceInner config = webApps.getConfiguration(RG, "func-1");
    assertEquals(FtpsState.ALL_ALLOWED, config.ftpsState());
    assertEquals(SupportedTlsVersions.ONE_ZERO, config.minTlsVersion());
    assertFalse(config.remoteDebuggingEnabled());

    assertEquals("func-1/staging", webApps.getSlot(RG, "func-1", "staging").name());
    assertEquals(1, webApps.listSlots(RG, "func-1").stream().count());
    assertEquals("https://management.core.windows.net/", SandboxCredentials.lastRequestedResource(sandbox));
  }

  @Test
  void fixesGoThroughAsPatches() {
    webApps.updateConfiguration(RG, "func-2", new SiteConfigResourceInner().withFtpsState(FtpsState.DISABLED));
    webApps.update(RG, "func-2", new SitePatchResourceInner().withHttpsOnly(true));

    assertEquals(FtpsState.DISABLED, webApps.getConfiguration(RG, "func-2").ftpsState());
    assertEquals(SupportedTlsVersions.ONE_ZERO, webApps.getConfiguration(RG, "func-2").minTlsVersion());
    assertTrue(webApps.getByResourceGroup(RG, "func-2").httpsOnly());
    List<RecordedRequest> patches = sandbox.arm().requests().stream()
        .filter(r -> r.method().equals("PATCH") && r.path().contains("func-2"))
        .toList();
    assertEquals(2, patches.size());
    JsonNode configPatch = Json.parse(patches.get(0).body());
    assertEquals("Disabled", configPatch.get("properties").get("ftpsState").asText());
    assertEquals(1, configPatch.get("properties").size(), "only the changed property is sent");
  }

  @Test
  void readsAndWritesBasicAuthPolicies() {
    assertTrue(webApps.getFtpAllowed(RG, "func-3").allow());

    webApps.updateScmAllowed(RG, "func-3",
        new CsmPublishingCredentialsPoliciesEntityInner().withAllow(false));

    assertFalse(webApps.getScmAllowed(RG, "func-3").allow());
    assertEquals(2, webApps.listBasicPublishingCredentialsPolicies(RG, "func-3").stream().count());
  }

  @Test
  void listsFollowNextLinks() {
    assertEquals(List.of("func-1", "func-2", "func-3"), webApps.list().stream().map(SiteInner::name).toList());
    assertTrue(sandbox.arm().requests().stream().anyMatch(r -> r.query().contains("$skipToken=")));
  }

  @Test
  void errorsSurfaceWithArmCodesAndThrottlingIsRetried() {
    ManagementException missing = assertThrows(ManagementException.class,
        () -> webApps.getConfiguration(RG, "no-such-site"));
    assertEquals("ResourceNotFound", missing.getValue().getCode());

    FaultHandle throttle = sandbox.arm().inject(
        Fault.on("GET", "/sites/func-3/config/web$").status(429).retryAfterSeconds(1));
    assertEquals(FtpsState.ALL_ALLOWED, webApps.getConfiguration(RG, "func-3").ftpsState());
    assertEquals(1, throttle.hits());
  }
}
