package io.driftguard.resource;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How a function app is hosted, read from its site document as Microsoft's own tools tell the models apart (the az
 * CLI's {@code is_flex_functionapp} and {@code is_centauri_functionapp}, the portal's {@code isFlexConsumption},
 * {@code isContainerAppEnvironmentApp}, {@code isWorkflowApp}, {@code isASE}, {@code isKubeApp}): {@code kind} tokens in
 * any order, {@code properties.sku}, {@code functionAppConfig}, {@code managedEnvironmentId},
 * {@code hostingEnvironmentProfile} and {@code extendedLocation}. {@code kind} alone does not tell it: Flex Consumption
 * is {@code functionapp,linux} like Linux Consumption. Where several apply, the first in this order wins: Arc, Container
 * Apps, Flex Consumption, Logic Apps Standard, App Service Environment, then the plan of a Linux or Windows app.
 */
public enum HostingModel {
  WINDOWS_CONSUMPTION("Windows Consumption"),
  WINDOWS_ELASTIC_PREMIUM("Windows Elastic Premium"),
  WINDOWS_DEDICATED("Windows Dedicated"),
  LINUX_CONSUMPTION("Linux Consumption"),
  LINUX_PREMIUM_OR_DEDICATED("Linux Premium or Dedicated"),
  LINUX_CONTAINER("Linux container"),
  FLEX_CONSUMPTION("Flex Consumption"),
  CONTAINER_APPS("Functions on Container Apps"),
  LOGIC_APPS_STANDARD("Logic Apps Standard"),
  APP_SERVICE_ENVIRONMENT("App Service Environment"),
  ARC("Azure Arc");

  /** The App Service Environment plans, as the portal's {@code isASE} names them. */
  private static final Set<String> ISOLATED_SKUS = Set.of("isolated", "isolatedv2", "isolatedmv2", "elasticisolated");

  private final String label;

  HostingModel(String label) {
    this.label = label;
  }

  /** How people, decisions and alert rows name it. */
  public String label() {
    return label;
  }

  /** The model of the site (or slot) document {@code site}, as ARM answers GET or a listing holds it. */
  public static HostingModel of(JsonNode site) {
    Set<String> kind = Arrays.stream(site.path("kind").asText("").split(","))
        .map(token -> token.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    JsonNode properties = site.path("properties");
    String sku = properties.path("sku").asText("").toLowerCase(Locale.ROOT);
    if (kind.contains("kubernetes") || site.path("extendedLocation").isObject()) {
      return ARC;
    }
    if (kind.contains("azurecontainerapps") || isSet(properties.path("managedEnvironmentId"))) {
      return CONTAINER_APPS;
    }
    if (sku.equals("flexconsumption") || properties.path("functionAppConfig").isObject()) {
      return FLEX_CONSUMPTION;
    }
    if (kind.contains("workflowapp")) {
      return LOGIC_APPS_STANDARD;
    }
    if (isSet(properties.path("hostingEnvironmentProfile").path("id")) || ISOLATED_SKUS.contains(sku)) {
      return APP_SERVICE_ENVIRONMENT;
    }
    if (kind.contains("linux")) {
      return kind.contains("container") ? LINUX_CONTAINER
          : sku.equals("dynamic") ? LINUX_CONSUMPTION : LINUX_PREMIUM_OR_DEDICATED;
    }
    return sku.equals("dynamic") ? WINDOWS_CONSUMPTION
        : sku.equals("elasticpremium") ? WINDOWS_ELASTIC_PREMIUM : WINDOWS_DEDICATED;
  }

  /** Flex Consumption has no deployment slots ("Deployment slots aren't currently supported"): none to list. */
  public boolean hasSlots() {
    return this != FLEX_CONSUMPTION;
  }

  private static boolean isSet(JsonNode value) {
    return value.isTextual() && !value.asText().isBlank();
  }

  @Override
  public String toString() {
    return label;
  }
}
