package io.driftguard.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceIdsTest {

  private static final String SUB = "00000000-0000-0000-0000-000000000001";
  private static final String SITE = "/subscriptions/" + SUB + "/resourceGroups/rg-prod/providers/Microsoft.Web/sites/func-orders";

  @Test
  void parsesASite() throws Exception {
    ResourceTarget target = ResourceIds.parse(SITE);
    assertEquals(new SiteRef(SUB, "rg-prod", "func-orders", Optional.empty()), target.site());
    assertEquals(Optional.empty(), target.child());
  }

  @Test
  void normalisesChildrenToTheirSite() throws Exception {
    assertEquals("func-orders", ResourceIds.parse(SITE + "/config/web").site().site());
    ResourceTarget policy = ResourceIds.parse(SITE + "/basicPublishingCredentialsPolicies/ftp");
    assertEquals(SiteRef.site(SUB, "rg-prod", "func-orders"), policy.site());
    assertEquals(Optional.of("basicPublishingCredentialsPolicies/ftp"), policy.child());
  }

  @Test
  void normalisesSlotChildrenToTheSlot() throws Exception {
    ResourceTarget target = ResourceIds.parse(SITE + "/slots/staging/config/web");
    assertEquals(Optional.of("staging"), target.site().slot());
    assertEquals(SITE + "/slots/staging", target.site().id());
  }

  @Test
  void acceptsTheTagsResourceOfASiteOrSlotAsItsOnlyExtensionChild() throws Exception {
    ResourceTarget site = ResourceIds.parse(SITE + "/providers/Microsoft.Resources/tags/default");
    assertEquals(SiteRef.site(SUB, "rg-prod", "func-orders"), site.site());
    assertEquals(Optional.of(ResourceIds.TAGS_EXTENSION), site.child());
    ResourceTarget slot = ResourceIds.parse(SITE + "/slots/staging/PROVIDERS/microsoft.resources/Tags/Default");
    assertEquals(SITE + "/slots/staging", slot.site().id());
    assertEquals(Optional.of(ResourceIds.TAGS_EXTENSION), slot.child());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/providers/Microsoft.Authorization/locks/l1",
      "/providers/Microsoft.Resources/tags/other",
      "/providers/Microsoft.Resources/tags/default/extra",
      "/providers/Microsoft.Resources/deployments/default",
      "/providers/Microsoft.Insights/diagnosticSettings/default",
      "/config/web/providers/Microsoft.Resources/tags/default",
  })
  void refusesEveryOtherExtensionResource(String extension) {
    assertThrows(InvalidResourceIdException.class, () -> ResourceIds.parse(SITE + extension));
  }

  @Test
  void acceptsAnyCasingOfTheFixedSegments() throws Exception {
    SiteRef ref = ResourceIds.parse("/SUBSCRIPTIONS/" + SUB + "/resourcegroups/RG/providers/microsoft.web/Sites/App1/SLOTS/s1").site();
    assertEquals("App1", ref.site());
    assertEquals(Optional.of("s1"), ref.slot());
    assertEquals(ref.key(), SiteRef.site(SUB, "rg", "app1").withSlot("S1").key());
  }

  @ParameterizedTest
  @ValueSource(strings = {"rg-données-(prod)", "Ресурсы", "リソース_グループ", "rg.ünï-2", "(x)", "١٢٣", "rǵ"})
  void acceptsEveryResourceGroupNameArmAccepts(String group) throws Exception {
    SiteRef ref = ResourceIds.parse("/subscriptions/" + SUB + "/resourceGroups/" + group
        + "/providers/Microsoft.Web/sites/func-orders/config/web").site();
    assertEquals(group, ref.resourceGroup());
    assertEquals(ref, ResourceIds.parse(ref.id()).site(), "its canonical id parses to itself");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "/\u017fubscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/a1",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.W\u0435b/sites/a1",
      "/subscriptions/" + SUB + "/resourceGroups/rg/provider\u0455/Microsoft.Web/sites/a1",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/\uff53ites/a1",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/a1/\u017flots/s1",
      "/subscriptions/" + SUB + "/resourceGroups/rg\u200b/providers/Microsoft.Web/sites/a1",
      "/subscriptions/" + SUB + "/resourceGroups/rg\u00a0x/providers/Microsoft.Web/sites/a1",
      "/subscriptions/" + SUB + "/resourceGroups/données\uff0fx/providers/Microsoft.Web/sites/a1",
      "/subscriptions/" + SUB + "/resourceGroups/rg\u0007/providers/Microsoft.Web/sites/a1",
      "/subscriptions/" + SUB + "/resourceGroups/données./providers/Microsoft.Web/sites/a1",
      "/subscriptions/" + SUB + "/resourceGroups/ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé/providers/Microsoft.Web/sites/a1",
      "subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/a1",
      "/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Web/sites/a1",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a1",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/serverfarms/a1",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Other.Provider/sites/a1",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/a1/../a2",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/a1/./config",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/a1%2Fconfig%2Fweb",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/a1?api-version=1",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/a1#frag",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites//config/web",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/a1/",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/a1\\config",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/\u0430pp",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/a1\uff0fconfig",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/a 1",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/-a1",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/a1/slots",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/a1/slots/s1/slots/s2",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/a1/config/web/extra",
      "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/a1/providers/Microsoft.Insights",
      "/subscriptions/" + SUB + "/resourceGroups/rg./providers/Microsoft.Web/sites/a1",
      // Found by ResourceIdsPropertiesTest: a legal but pointless group name that reads like traversal.
      "/subscriptions/" + SUB + "/resourceGroups/..rg-prod/providers/Microsoft.Web/sites/a1",
  })
  void refusesEverythingOutsideTheGrammar(String id) {
    InvalidResourceIdException refused = assertThrows(InvalidResourceIdException.class, () -> ResourceIds.parse(id));
    assertFalse(refused.getMessage().isBlank());
  }

  @Test
  void refusesOverlongIdsWithoutEchoingThem() {
    String id = SITE + "/config/" + "x".repeat(ResourceIds.MAX_LENGTH);
    InvalidResourceIdException refused = assertThrows(InvalidResourceIdException.class, () -> ResourceIds.parse(id));
    assertTrue(refused.getMessage().length() < 100);
  }

  @Test
  void refusesNull() {
    assertThrows(InvalidResourceIdException.class, () -> ResourceIds.parse(null));
  }
}
