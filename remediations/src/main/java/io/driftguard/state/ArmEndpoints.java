package io.driftguard.state;

import com.azure.core.management.AzureEnvironment;
import io.driftguard.resource.SiteRef;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Where ARM requests go: the cloud an endpoint belongs to, its token scope, and the paths of sites under it. */
final class ArmEndpoints {

  /** ARM's own token audience for the public cloud; custom endpoints (sandbox, proxies) use it too. */
  private static final String PUBLIC_MANAGEMENT_AUDIENCE = AzureEnvironment.AZURE.getManagementEndpoint();

  private ArmEndpoints() {}

  static AzureEnvironment environmentFor(URI endpoint) {
    String url = endpoint.toString().endsWith("/") ? endpoint.toString() : endpoint + "/";
    for (AzureEnvironment known : AzureEnvironment.knownEnvironments()) {
      if (known.getResourceManagerEndpoint().equalsIgnoreCase(url)) {
        return known;
      }
    }
    Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
    endpoints.put("resourceManagerEndpointUrl", url);
    return new AzureEnvironment(endpoints);
  }

  /** The token scope for an ARM endpoint: its cloud's management audience, the public one for custom endpoints. */
  static String tokenScope(URI endpoint) {
    AzureEnvironment environment = environmentFor(endpoint);
    String audience = AzureEnvironment.knownEnvironments().contains(environment)
        ? environment.getManagementEndpoint() : PUBLIC_MANAGEMENT_AUDIENCE;
    return audience + "/.default";
  }

  /** The path of a site (never a slot) under the endpoint, each name one percent-encoded segment. */
  static String sitePath(SiteRef ref) {
    return "subscriptions/" + segment(ref.subscriptionId()) + "/resourceGroups/" + segment(ref.resourceGroup())
        + "/providers/Microsoft.Web/sites/" + segment(ref.site());
  }

  /** A name as one path segment, percent-encoded as the SDK does (resource groups may hold non-ASCII letters). */
  static String segment(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
