package io.driftguard.functions;

import io.driftguard.resource.InvalidResourceIdException;
import io.driftguard.resource.ResourceIds;
import io.driftguard.resource.SiteRef;
import java.util.Map;
import java.util.Optional;

/**
 * The function app this host runs in, from what App Service tells every app about itself, so that driftguard never
 * fixes its own app (a guarded fix there could cut its own event delivery), without a setting someone can forget.
 * App Service's environment (https://learn.microsoft.com/azure/app-service/reference-app-settings, "App environment")
 * gives, read-only: {@code WEBSITE_SITE_NAME} (the app's name), {@code WEBSITE_RESOURCE_GROUP} (its resource group) and
 * {@code WEBSITE_OWNER_NAME} (the subscription id that owns the app, then {@code +}, the resource group and webspace).
 */
final class OwnSite {

  static final String SITE_NAME = "WEBSITE_SITE_NAME";
  static final String RESOURCE_GROUP = "WEBSITE_RESOURCE_GROUP";
  static final String OWNER_NAME = "WEBSITE_OWNER_NAME";

  private OwnSite() {}

  /**
   * The app, or empty outside App Service (none of the three variables set). Inside it, values that do not make a
   * function app's resource id stop the host: running unsure of its own app, driftguard could lock itself out.
   */
  static Optional<SiteRef> fromEnvironment(Map<String, String> environment) {
    Optional<String> site = value(environment, SITE_NAME);
    Optional<String> group = value(environment, RESOURCE_GROUP);
    Optional<String> owner = value(environment, OWNER_NAME);
    if (site.isEmpty() && group.isEmpty() && owner.isEmpty()) {
      return Optional.empty();
    }
    String subscription = owner.map(name -> name.split("\\+", 2)[0]).orElse("");
    String id = "/subscriptions/" + subscription + "/resourceGroups/" + group.orElse("")
        + "/providers/Microsoft.Web/sites/" + site.orElse("");
    if (!ResourceIds.isGuid(subscription)) {
      throw unknown(OWNER_NAME + " does not start with a subscription id and '+'", null);
    }
    try {
      return Optional.of(ResourceIds.parse(id).site());
    } catch (InvalidResourceIdException e) {
      throw unknown(e.getMessage(), e);
    }
  }

  private static IllegalStateException unknown(String why, Exception cause) {
    return new IllegalStateException("driftguard cannot tell its own function app from " + SITE_NAME + ", "
        + RESOURCE_GROUP + " and " + OWNER_NAME + " (" + why + "), so it would not know never to fix it", cause);
  }

  private static Optional<String> value(Map<String, String> environment, String name) {
    return Optional.ofNullable(environment.get(name)).map(String::trim).filter(value -> !value.isEmpty());
  }
}
