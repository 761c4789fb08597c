package io.driftguard.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a seeded function app is hosted, and what that changes in ARM: its {@code kind}, the site properties that tell
 * the model (as recorded GETs and REST spec examples show them: {@code sku}, {@code functionAppConfig},
 * {@code managedEnvironmentId}, {@code hostingEnvironmentProfile}, {@code extendedLocation}, and the properties shown
 * {@code null} where another resource owns them), whether it has an SCM site, and the writes ARM refuses for it with
 * the 400 it was recorded answering. Each model is one document under {@code hosting/}.
 */
public enum Hosting {
  WINDOWS_CONSUMPTION("windows-consumption"),
  WINDOWS_ELASTIC_PREMIUM("windows-elastic-premium"),
  WINDOWS_DEDICATED("windows-dedicated"),
  LINUX_CONSUMPTION("linux-consumption"),
  LINUX_PREMIUM("linux-premium"),
  LINUX_CONTAINER("linux-container"),
  /** Refuses a config/web write naming {@code ftpsState} (and the other properties Flex has not). */
  FLEX_CONSUMPTION("flex-consumption"),
  /** Functions on Container Apps (v1): refuses every site setting with ExtendedCode 51021. */
  CONTAINER_APPS("container-apps"),
  LOGIC_APPS_STANDARD("logic-apps-standard"),
  APP_SERVICE_ENVIRONMENT("app-service-environment"),
  ARC("arc");

  private final ObjectNode document;

  Hosting(String name) {
    this.document = Json.resource("hosting/" + name + ".json");
  }

  String kind() {
    return document.get("kind").asText();
  }

  /** The site's {@code config/web} values this model starts with (its runtime's spelling), before the seeded ones. */
  Map<String, Object> webConfig() {
    return document.has("webConfig") ? Json.toMap((ObjectNode) document.get("webConfig")) : Map.of();
  }

  boolean hasScmSite() {
    return document.path("scmSite").asBoolean(true);
  }

  /**
   * Shapes a rendered site resource as this model shows it: its properties set over the stored ones (nulls included,
   * where another resource owns the setting) and, for Arc, its {@code extendedLocation}.
   */
  void shape(ObjectNode resource, SiteHandle site) {
    ObjectNode properties = (ObjectNode) resource.get("properties");
    filled(document.get("properties"), site).fields()
        .forEachRemaining(field -> properties.set(field.getKey(), field.getValue()));
    if (document.has("extendedLocation")) {
      resource.set("extendedLocation", filled(document.get("extendedLocation"), site));
    }
  }

  /**
   * ARM's 400 for a write of {@code properties} to {@code document} ({@code site} or {@code config/web}) that this
   * model refuses, or that names one of {@code alsoRefused}, naming the first refused property; empty when ARM takes
   * the write.
   */
  Optional<ArmResponse> refusal(String document, JsonNode properties, Set<String> alsoRefused) {
    JsonNode refuses = this.document.path("refuses");
    if (refuses.isMissingNode() || !refuses.path("document").asText().contains(document)) {
      return Optional.empty();
    }
    List<String> refused = new ArrayList<>(alsoRefused);
    refuses.path("properties").forEach(name -> refused.add(name.asText()));
    List<String> written = new ArrayList<>();
    properties.fieldNames().forEachRemaining(written::add);
    if (document.equals("site") && properties.get("siteConfig") instanceof ObjectNode siteConfig) {
      written.remove("siteConfig");
      siteConfig.fieldNames().forEachRemaining(written::add);
    }
    return written.stream().filter(name -> refused.contains("*") || refused.contains(name)).findFirst()
        .map(name -> badRequest(refuses, Character.toUpperCase(name.charAt(0)) + name.substring(1)));
  }

  /** App Service's own error shape, not ARM's {@code error} envelope: {@code Code}, {@code Message}, {@code Details}. */
  private static ArmResponse badRequest(JsonNode refuses, String property) {
    String message = refuses.path("message").asText().replace("{Property}", property);
    ObjectNode body = Json.object().put("Code", "BadRequest").put("Message", message).putNull("Target");
    var details = body.putArray("Details");
    details.addObject().put("Message", message);
    details.addObject().put("Code", "BadRequest");
    ObjectNode entity = details.addObject().putObject("ErrorEntity");
    if (refuses.has("extendedCode")) {
      entity.put("ExtendedCode", refuses.get("extendedCode").asText()).put("MessageTemplate", "{0} is invalid.  {1}");
      entity.putArray("Parameters").add(property).add(message.substring(message.indexOf("  ") + 2));
    }
    entity.put("Code", "BadRequest").put("Message", message);
    body.putNull("Innererror");
    return new ArmResponse(400, Json.write(body), Map.of());
  }

  private static JsonNode filled(JsonNode template, SiteHandle site) {
    return Json.parseObject(Json.write(template).replace("{subscription}", site.subscriptionId())
        .replace("{resourceGroup}", site.resourceGroup()).replace("{site}", site.site().toLowerCase(Locale.ROOT)));
  }
}
