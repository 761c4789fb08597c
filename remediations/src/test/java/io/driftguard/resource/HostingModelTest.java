package io.driftguard.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * Site documents shaped as ARM answers them for each hosting model: the discriminating fields as the recorded
 * responses and REST spec examples named in function-app-kinds.md hold them (Flex: the spec example
 * CreateOrUpdateFunctionAppFlexConsumption.json, whose answer carries no kind and no sku; Container Apps: the az CLI
 * recording, sku and serverFarmId null; App Service Environment: AppServiceEnvironments_ListWebApps.json).
 */
class HostingModelTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static HostingModel of(String json) {
    try {
      return HostingModel.of(JSON.readTree(json));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String site(String kind, String properties) {
    return "{\"id\":\"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app\",\"kind\":\"" + kind
        + "\",\"location\":\"East US\",\"properties\":" + properties + "}";
  }

  @Test
  void windowsPlansAreToldApartBySku() {
    assertEquals(HostingModel.WINDOWS_CONSUMPTION, of(site("functionapp", "{\"sku\":\"Dynamic\",\"reserved\":false}")));
    assertEquals(HostingModel.WINDOWS_ELASTIC_PREMIUM, of(site("functionapp", "{\"sku\":\"ElasticPremium\"}")));
    assertEquals(HostingModel.WINDOWS_DEDICATED, of(site("functionapp", "{\"sku\":\"PremiumV3\"}")));
    assertEquals(HostingModel.WINDOWS_DEDICATED, of(site("functionapp", "{\"sku\":\"Standard\"}")));
  }

  @Test
  void linuxPlansAreToldApartBySkuAndContainerToken() {
    assertEquals(HostingModel.LINUX_CONSUMPTION, of(site("functionapp,linux",
        "{\"sku\":\"Dynamic\",\"reserved\":true,\"functionAppConfig\":null,\"managedEnvironmentId\":null}")));
    assertEquals(HostingModel.LINUX_PREMIUM_OR_DEDICATED, of(site("functionapp,linux", "{\"sku\":\"ElasticPremium\"}")));
    assertEquals(HostingModel.LINUX_PREMIUM_OR_DEDICATED, of(site("linux,functionapp", "{\"sku\":\"Basic\"}")));
    assertEquals(HostingModel.LINUX_CONTAINER, of(site("functionapp,linux,container", "{\"sku\":\"PremiumV3\"}")));
  }

  @Test
  void flexConsumptionIsTheSameKindAsLinuxConsumptionAndToldBySkuOrFunctionAppConfig() {
    assertEquals(HostingModel.FLEX_CONSUMPTION, of(site("functionapp,linux", "{\"sku\":\"FlexConsumption\","
        + "\"functionAppConfig\":{\"runtime\":{\"name\":\"python\",\"version\":\"3.11\"},"
        + "\"scaleAndConcurrency\":{\"maximumInstanceCount\":100,\"instanceMemoryMB\":2048}}}")));
    // The spec example's answer: no kind, no sku, functionAppConfig set.
    assertEquals(HostingModel.FLEX_CONSUMPTION, of("{\"name\":\"sitef6141\",\"type\":\"Microsoft.Web/sites\","
        + "\"properties\":{\"reserved\":null,\"functionAppConfig\":{\"runtime\":{\"name\":\"python\",\"version\":\"3.11\"}},"
        + "\"httpsOnly\":true,\"publicNetworkAccess\":\"Enabled\"}}"));
  }

  @Test
  void functionsOnContainerAppsByTokenOrManagedEnvironment() {
    String properties = "{\"sku\":null,\"serverFarmId\":null,\"httpsOnly\":null,\"publicNetworkAccess\":null,"
        + "\"managedEnvironmentId\":\"/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env\","
        + "\"workloadProfileName\":\"Consumption\",\"resourceConfig\":{\"cpu\":0.5,\"memory\":\"1Gi\"}}";
    assertEquals(HostingModel.CONTAINER_APPS, of(site("functionapp,linux,container,azurecontainerapps", properties)));
    assertEquals(HostingModel.CONTAINER_APPS, of(site("functionapp,linux,container", properties)));
    assertEquals(HostingModel.CONTAINER_APPS, of(site("azurecontainerapps,functionapp,linux,container", "{}")));
  }

  @Test
  void logicAppsStandardByTheWorkflowappTokenInAnyOrder() {
    assertEquals(HostingModel.LOGIC_APPS_STANDARD, of(site("functionapp,workflowapp", "{\"sku\":\"WorkflowStandard\"}")));
    assertEquals(HostingModel.LOGIC_APPS_STANDARD, of(site("workflowapp,functionapp", "{\"sku\":\"WorkflowStandard\"}")));
    assertEquals(HostingModel.LOGIC_APPS_STANDARD, of(site("functionapp,linux,container,workflowapp", "{}")));
    assertEquals(HostingModel.LOGIC_APPS_STANDARD, of(site("functionapp,workflowapp,linux", "{}")));
  }

  @Test
  void appServiceEnvironmentByProfileOrIsolatedSku() {
    assertEquals(HostingModel.APP_SERVICE_ENVIRONMENT, of(site("functionapp", "{\"sku\":\"IsolatedV2\","
        + "\"hostingEnvironmentProfile\":{\"id\":\"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/"
        + "hostingEnvironments/ase1\",\"name\":\"ase1\",\"type\":\"Microsoft.Web/hostingEnvironments\"}}")));
    assertEquals(HostingModel.APP_SERVICE_ENVIRONMENT, of(site("functionapp,linux", "{\"sku\":\"Isolated\"}")));
    assertEquals(HostingModel.WINDOWS_DEDICATED, of(site("functionapp", "{\"hostingEnvironmentProfile\":null}")));
  }

  @Test
  void arcByKubernetesTokenOrExtendedLocation() {
    assertEquals(HostingModel.ARC, of(site("functionapp,linux,kubernetes", "{}")));
    assertEquals(HostingModel.ARC, of("{\"kind\":\"functionapp,linux,container,kubernetes\",\"extendedLocation\":"
        + "{\"name\":\"/subscriptions/s/resourceGroups/rg/providers/Microsoft.ExtendedLocation/customLocations/cl\","
        + "\"type\":\"CustomLocation\"},\"properties\":{}}"));
  }

  @Test
  void tokensAreComparedWholeAndIgnoringCaseAndSpaces() {
    assertEquals(HostingModel.LOGIC_APPS_STANDARD, of(site("FunctionApp, WorkflowApp", "{}")));
    assertEquals(HostingModel.WINDOWS_DEDICATED, of(site("functionapp,notlinux", "{}")));
    assertEquals("Flex Consumption", HostingModel.FLEX_CONSUMPTION.label());
  }
}
