package io.driftguard.sandbox;

import static io.driftguard.sandbox.ArmAuthenticationTest.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SiteResourcesTest {
  private static final String SUB = "0b1f6471-1bf0-4dda-aec3-111111111111";

  private Sandbox sandbox;
  private ArmTestClient client;
  private SiteHandle site;

  @BeforeEach
  void start() {
    sandbox = Sandbox.start(SandboxOptions.defaults().withPageSize(2));
    client = new ArmTestClient(sandbox);
    site = sandbox.arm().seedSite(SUB, "rg-apps", "func-a", "functionapp,linux", Map.of("env", "prod"), false,
        Map.of("ftpsState", "AllAllowed", "minTlsVersion", "1.0"));
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  @Test
  void aCollectionListsItsMembersWhichTakeItsRowsVerbs() {
    String bindings = site.id() + "/hostNameBindings";
    JsonNode none = client.getJson(bindings);
    assertEquals(0, none.get("value").size(), "a new site has no member");
    assertTrue(none.get("nextLink").isNull());
    assertEquals(200, client.arm("PUT", bindings + "/WWW.contoso.com",
        "{\"properties\":{\"sslState\":\"SniEnabled\",\"thumbprint\":\"ABC\"}}").statusCode());
    JsonNode member = client.getJson(bindings + "/www.contoso.com");
    assertEquals(site.id() + "/hostNameBindings/WWW.contoso.com", member.get("id").asText(), "named as written");
    assertEquals("func-a/WWW.contoso.com", member.get("name").asText());
    assertEquals("Microsoft.Web/sites/hostNameBindings", member.get("type").asText());
    assertEquals("SniEnabled", member.at("/properties/sslState").asText());
    assertEquals("Verified", member.at("/properties/hostNameType").asText(), "the row's properties under the written");
    JsonNode listed = client.getJson(bindings).get("value");
    assertEquals(1, listed.size());
    assertEquals(member, listed.get(0));
    assertEquals(405, client.arm("PUT", bindings, "{\"properties\":{}}").statusCode(), "the collection is not written");
    assertEquals(405, client.arm("PATCH", bindings + "/www.contoso.com", "{\"properties\":{}}").statusCode(),
        "a member takes the row's verbs");
    assertEquals(404, client.get(bindings + "/api.contoso.com").statusCode());
  }

  @Test
  void siteHasTheArmShapeWithSettingsOnlyInConfigWeb() {
    JsonNode json = client.getJson(site.id());

    assertEquals(site.id(), json.get("id").asText());
    assertEquals("func-a", json.get("name").asText());
    assertEquals("Microsoft.Web/sites", json.get("type").asText());
    assertEquals("functionapp,linux", json.get("kind").asText());
    assertEquals("prod", json.get("tags").get("env").asText());
    JsonNode properties = json.get("properties");
    assertFalse(properties.get("httpsOnly").asBoolean());
    assertTrue(properties.get("reserved").asBoolean());
    assertEquals("func-a.azurewebsites.net", properties.get("defaultHostName").asText());
    assertEquals("Running", properties.get("state").asText());
    assertTrue(properties.get("serverFarmId").asText().contains("/resourceGroups/rg-apps/"));
    JsonNode siteConfig = properties.get("siteConfig");
    assertTrue(siteConfig.get("ftpsState").isNull());
    assertTrue(siteConfig.get("minTlsVersion").isNull());
    assertTrue(siteConfig.get("remoteDebuggingEnabled").isNull());
    assertEquals(1, siteConfig.get("numberOfWorkers").asInt());
  }

  @Test
  void webConfigMergesSeededValuesOverSecureDefaults() {
    JsonNode json = client.getJson(site.webConfigId());

    assertEquals(site.webConfigId(), json.get("id").asText());
    assertEquals("web", json.get("name").asText());
    assertEquals("Microsoft.Web/sites/config", json.get("type").asText());
    JsonNode properties = json.get("properties");
    assertEquals("AllAllowed", properties.get("ftpsState").asText());
    assertEquals("1.0", properties.get("minTlsVersion").asText());
    assertEquals("1.2", properties.get("scmMinTlsVersion").asText());
    assertFalse(properties.get("remoteDebuggingEnabled").asBoolean());
    assertFalse(properties.get("http20Enabled").asBoolean());
    assertTrue(properties.has("remoteDebuggingVersion"));
    assertEquals(json, Json.MAPPER.valueToTree(sandbox.arm().webConfig(site.id())));
  }

  @Test
  void patchMergesAndPutReplaces() {
    HttpResponse<String> patched = client.arm("PATCH", site.webConfigId(), "{\"properties\":{\"ftpsState\":\"Disabled\"}}");
    assertEquals(200, patched.statusCode());
    JsonNode afterPatch = Json.parse(patched.body()).get("properties");
    assertEquals("Disabled", afterPatch.get("ftpsState").asText());
    assertEquals("1.0", afterPatch.get("minTlsVersion").asText(), "PATCH leaves other properties alone");

    client.arm("PUT", site.webConfigId(), "{\"properties\":{\"http20Enabled\":true}}");
    Map<String, Object> afterPut = properties(sandbox.arm().webConfig(site.id()));
    assertEquals(true, afterPut.get("http20Enabled"));
    assertEquals("FtpsOnly", afterPut.get("ftpsState"), "PUT resets what it does not carry");
    assertEquals("1.2", afterPut.get("minTlsVersion"));

    client.arm("PATCH", site.id(), "{\"properties\":{\"httpsOnly\":true},\"tags\":{\"team\":\"a\"}}");
    Map<String, Object> patchedSite = sandbox.arm().site(site.id());
    assertEquals(true, properties(patchedSite).get("httpsOnly"));
    assertEquals(Map.of("team", "a"), patchedSite.get("tags"));
    assertEquals("functionapp,linux", patchedSite.get("kind"));

    client.arm("PUT", site.id(), "{\"kind\":\"functionapp\",\"location\":\"West Europe\",\"properties\":{}}");
    Map<String, Object> replacedSite = sandbox.arm().site(site.id());
    assertEquals(false, properties(replacedSite).get("httpsOnly"));
    assertEquals(Map.of(), replacedSite.get("tags"));
    assertEquals("West Europe", replacedSite.get("location"));
  }

  @Test
  void siteConfigInASiteWriteReachesConfigWeb() {
    client.arm("PATCH", site.id(), "{\"properties\":{\"siteConfig\":{\"minTlsVersion\":\"1.3\"}}}");

    assertEquals("1.3", properties(sandbox.arm().webConfig(site.id())).get("minTlsVersion"));
    assertNull(((Map<?, ?>) properties(sandbox.arm().site(site.id())).get("siteConfig")).get("minTlsVersion"));
  }

  @Test
  void slotsHaveTheirOwnStateAndTypes() {
    SiteHandle slot = sandbox.arm().seedSlot(SUB, "rg-apps", "func-a", "staging", true,
        Map.of("remoteDebuggingEnabled", true));

    JsonNode json = client.getJson(slot.id());
    assertEquals("func-a/staging", json.get("name").asText());
    assertEquals("Microsoft.Web/sites/slots", json.get("type").asText());
    assertEquals("functionapp,linux", json.get("kind").asText(), "inherited from the site");
    assertEquals("prod", json.get("tags").get("env").asText());
    assertEquals("func-a-staging.azurewebsites.net", json.get("properties").get("defaultHostName").asText());

    JsonNode config = client.getJson(slot.webConfigId());
    assertEquals("Microsoft.Web/sites/slots/config", config.get("type").asText());
    assertTrue(config.get("properties").get("remoteDebuggingEnabled").asBoolean());
    assertEquals("AllAllowed", client.getJson(site.webConfigId()).get("properties").get("ftpsState").asText());

    JsonNode slots = client.getJson(site.id() + "/slots");
    assertEquals(1, slots.get("value").size());
    assertEquals(slot.id(), slots.get("value").get(0).get("id").asText());
  }

  @Test
  void basicPublishingCredentialsPoliciesStartAllowedAndCanBeTurnedOff() {
    JsonNode ftp = client.getJson(site.publishingPolicyId("ftp"));
    assertEquals(site.publishingPolicyId("ftp"), ftp.get("id").asText());
    assertTrue(ftp.get("properties").get("allow").asBoolean());

    HttpResponse<String> put = client.arm("PUT", site.publishingPolicyId("scm"), "{\"properties\":{\"allow\":false}}");
    assertEquals(200, put.statusCode());

    JsonNode list = client.getJson(site.id() + "/basicPublishingCredentialsPolicies");
    assertEquals(2, list.get("value").size());
    assertEquals("ftp", list.get("value").get(0).get("name").asText());
    assertTrue(list.get("value").get(0).get("properties").get("allow").asBoolean());
    assertFalse(list.get("value").get(1).get("properties").get("allow").asBoolean());
    assertEquals(400, client.arm("PUT", site.publishingPolicyId("ftp"), "{\"properties\":{}}").statusCode());
  }

  @Test
  void missingResourcesAnswerArmNotFound() {
    HttpResponse<String> missingSite = client.get(site.id().replace("func-a", "nope") + "/config/web");
    assertEquals(404, missingSite.statusCode());
    assertEquals("ResourceNotFound", errorCode(missingSite));
    assertTrue(missingSite.body().contains("The Resource 'Microsoft.Web/sites/nope' under resource group 'rg-apps' was not found."));

    HttpResponse<String> unknownRoute = client.get(site.id() + "/no/such/thing");
    assertEquals(404, unknownRoute.statusCode());
    assertTrue(Json.parse(unknownRoute.body()).get("error").hasNonNull("code"));

    HttpResponse<String> wrongMethod = client.arm("DELETE", site.id(), null);
    assertEquals(405, wrongMethod.statusCode());
    assertEquals("AllAllowed", properties(sandbox.arm().webConfig(site.id())).get("ftpsState"));
  }

  @Test
  void pathSegmentsAndNamesAreCaseInsensitive() {
    String shouted = "/SUBSCRIPTIONS/" + SUB + "/resourcegroups/RG-APPS/providers/microsoft.web/SITES/FUNC-A/Config/Web";

    assertEquals(200, client.get(shouted).statusCode());
    assertEquals(200, client.arm("PATCH", shouted, "{\"properties\":{\"ftpsState\":\"Disabled\"}}").statusCode());
    assertEquals("Disabled", properties(sandbox.arm().webConfig(site.id())).get("ftpsState"));
  }

  @Test
  void siteListsArePagedThroughNextLink() {
    sandbox.arm().seedSite(SUB, "rg-apps", "func-b", "functionapp", Map.of(), true, Map.of());
    sandbox.arm().seedSite(SUB, "rg-other", "func-c", "functionapp", Map.of(), true, Map.of());
    sandbox.arm().seedSite("another-subscription", "rg-apps", "func-d", "functionapp", Map.of(), true, Map.of());
    sandbox.arm().seedSlot(SUB, "rg-apps", "func-a", "staging", true, Map.of());

    List<String> names = new ArrayList<>();
    String next = "/subscriptions/" + SUB + "/providers/Microsoft.Web/sites?api-version=2025-03-01";
    int pages = 0;
    while (next != null) {
      JsonNode page = Json.parse(client.raw("GET", next, null, "Bearer " + client.token("https://management.azure.com")).body());
      page.get("value").forEach(s -> names.add(s.get("name").asText()));
      next = page.hasNonNull("nextLink") ? page.get("nextLink").asText().substring(sandbox.armEndpoint().toString().length() - 1) : null;
      pages++;
    }
    assertEquals(List.of("func-a", "func-b", "func-c"), names);
    assertEquals(2, pages);

    JsonNode group = client.getJson("/subscriptions/" + SUB + "/resourceGroups/rg-apps/providers/Microsoft.Web/sites");
    assertEquals(2, group.get("value").size());
    assertFalse(group.has("nextLink"));
  }

  @Test
  void secretRevealingEndpointsAnswerFakesAndAreFlagged() {
    List<String> secrets = List.of("/config/appsettings/list", "/config/connectionstrings/list",
        "/config/publishingcredentials/list", "/publishxml", "/host/default/listkeys", "/functions/orders/listkeys");
    sandbox.arm().clearRequests();

    for (String secret : secrets) {
      HttpResponse<String> response = client.arm("POST", site.id() + secret, null);
      assertEquals(200, response.statusCode(), secret);
      assertTrue(response.body().contains("fake"), secret);
    }
    client.get(site.webConfigId());
    client.arm("PUT", site.webConfigId(), "{\"properties\":{}}");
    client.arm("PATCH", site.webConfigId(), "{\"properties\":{}}");

    List<RecordedRequest> log = sandbox.arm().requests();
    assertEquals(secrets.size(), log.stream().filter(FakeArm::isSecretRevealing).count());
    assertEquals(List.of("PUT"), log.stream().filter(FakeArm::isWholeDocumentPut).map(RecordedRequest::method).toList());
  }

  @Test
  void requestLogRecordsWhatWasReceived() {
    sandbox.arm().clearRequests();
    String body = "{\"properties\":{\"http20Enabled\":true}}";

    client.arm("PATCH", site.webConfigId(), body);

    RecordedRequest logged = sandbox.arm().requests().get(0);
    assertEquals("PATCH", logged.method());
    assertEquals(site.webConfigId(), logged.path());
    assertEquals("api-version=2025-03-01", logged.query());
    assertEquals(body, logged.body());
    assertEquals(200, logged.status());
    assertEquals(sandbox.botObjectId(), logged.callerObjectId());
  }

  @Test
  void deleteSiteRemovesItsSlots() {
    SiteHandle slot = sandbox.arm().seedSlot(SUB, "rg-apps", "func-a", "staging", true, Map.of());

    sandbox.arm().deleteSite(site.id());

    assertNull(sandbox.arm().site(site.id()));
    assertNull(sandbox.arm().site(slot.id()));
    assertEquals(404, client.get(slot.webConfigId()).statusCode());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> properties(Map<String, Object> resource) {
    return (Map<String, Object>) resource.get("properties");
  }
}
