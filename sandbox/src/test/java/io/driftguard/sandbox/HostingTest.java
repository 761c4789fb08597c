package io.driftguard.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sites of each hosting model: the documents ARM shows for them, and the writes it refuses with its recorded 400s. */
class HostingTest {
  private static final String SUB = "0b1f6471-1bf0-4dda-aec3-222222222222";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Sandbox sandbox;
  private ArmTestClient client;

  @BeforeEach
  void start() {
    sandbox = Sandbox.start();
    client = new ArmTestClient(sandbox);
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  private SiteHandle seed(String name, Hosting hosting) {
    return sandbox.arm().seedSite(SUB, "rg-kinds", name, hosting, Map.of(), true, Map.of("ftpsState", "AllAllowed"));
  }

  private static JsonNode body(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  @Test
  void eachModelShowsWhatTellsItApart() {
    JsonNode flex = client.getJson(seed("func-flex", Hosting.FLEX_CONSUMPTION).id());
    assertEquals("functionapp,linux", flex.get("kind").asText());
    assertEquals("FlexConsumption", flex.at("/properties/sku").asText());
    assertEquals("python", flex.at("/properties/functionAppConfig/runtime/name").asText());
    assertTrue(flex.at("/properties/publicNetworkAccess").isNull());

    JsonNode aca = client.getJson(seed("func-aca", Hosting.CONTAINER_APPS).id());
    assertEquals("functionapp,linux,container,azurecontainerapps", aca.get("kind").asText());
    assertTrue(aca.at("/properties/managedEnvironmentId").asText()
        .endsWith("/resourceGroups/rg-kinds/providers/Microsoft.App/managedEnvironments/func-aca-env"));
    for (String ownedByTheEnvironment : new String[] {"httpsOnly", "clientCertEnabled", "publicNetworkAccess", "sku",
        "serverFarmId"}) {
      assertTrue(aca.at("/properties/" + ownedByTheEnvironment).isNull(), ownedByTheEnvironment);
    }
    assertEquals(1, aca.at("/properties/enabledHostNames").size(), "no SCM host");

    assertEquals("functionapp,workflowapp", client.getJson(seed("la-orders", Hosting.LOGIC_APPS_STANDARD).id())
        .get("kind").asText());
    JsonNode ase = client.getJson(seed("func-ase", Hosting.APP_SERVICE_ENVIRONMENT).id());
    assertEquals("ase-rg-kinds", ase.at("/properties/hostingEnvironmentProfile/name").asText());
    JsonNode arc = client.getJson(seed("func-arc", Hosting.ARC).id());
    assertEquals("CustomLocation", arc.at("/extendedLocation/type").asText());
    JsonNode linuxConsumption = client.getJson(seed("func-lc", Hosting.LINUX_CONSUMPTION).id());
    assertEquals("Dynamic", linuxConsumption.at("/properties/sku").asText());
    assertEquals(1, linuxConsumption.at("/properties/enabledHostNames").size(), "no SCM host");
  }

  @Test
  void flexRefusesAnFtpsStateWriteAndTakesTheRest() throws Exception {
    SiteHandle flex = sandbox.arm().seedSite(SUB, "rg-kinds", "func-flex", Hosting.FLEX_CONSUMPTION, Map.of(), true,
        Map.of("ftpsState", "AllAllowed", "minTlsVersion", "1.0"));

    HttpResponse<String> refused = client.arm("PATCH", flex.webConfigId(),
        "{\"properties\":{\"ftpsState\":\"Disabled\",\"minTlsVersion\":\"1.2\"}}");

    assertEquals(400, refused.statusCode());
    assertEquals("BadRequest", body(refused).get("Code").asText());
    assertEquals("The following site configuration property (Site.SiteConfig.FtpsState) for Flex Consumption sites is "
        + "invalid.  Please remove or rename it before retrying.", body(refused).get("Message").asText());
    assertEquals("1.0", client.getJson(flex.webConfigId()).at("/properties/minTlsVersion").asText());
    assertEquals("AllAllowed", client.getJson(flex.webConfigId()).at("/properties/ftpsState").asText(),
        "nothing of a refused write lands");

    HttpResponse<String> taken = client.arm("PATCH", flex.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.2\"}}");
    assertEquals(200, taken.statusCode(), taken.body());
    assertEquals("1.2", client.getJson(flex.webConfigId()).at("/properties/minTlsVersion").asText());
  }

  @Test
  void containerAppsRefusesSiteSettingsWithExtendedCode51021() throws Exception {
    SiteHandle aca = seed("func-aca", Hosting.CONTAINER_APPS);

    HttpResponse<String> site = client.arm("PATCH", aca.id(), "{\"properties\":{\"httpsOnly\":true}}");
    HttpResponse<String> config = client.arm("PATCH", aca.webConfigId(), "{\"properties\":{\"http20ProxyFlag\":1}}");

    assertEquals(400, site.statusCode());
    assertEquals("HttpsOnly is invalid.  HttpsOnly is not supported for Azure Functions on Azure Container apps. "
        + "Please retry the operation without HttpsOnly.", body(site).get("Message").asText());
    assertEquals("51021", body(site).at("/Details/2/ErrorEntity/ExtendedCode").asText());
    assertEquals(400, config.statusCode());
    assertTrue(body(config).get("Message").asText().startsWith("Http20ProxyFlag is invalid."));
    HttpResponse<String> tags = client.arm("PATCH", aca.id(), "{\"tags\":{\"team\":\"orders\"}}");
    assertEquals(200, tags.statusCode(), "tags are the resource's, not a site setting: " + tags.body());
  }

  @Test
  void aLogicAppTakesEveryAppServiceSetting() {
    SiteHandle logicApp = seed("la-orders", Hosting.LOGIC_APPS_STANDARD);
    assertEquals(200, client.arm("PATCH", logicApp.webConfigId(),
        "{\"properties\":{\"ftpsState\":\"Disabled\",\"minTlsVersion\":\"1.2\"}}").statusCode());
    assertEquals(200, client.arm("PATCH", logicApp.id(), "{\"properties\":{\"httpsOnly\":true}}").statusCode());
    assertFalse(client.getJson(logicApp.id()).at("/properties/sku").asText().isEmpty());
  }
}
