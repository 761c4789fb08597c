package io.driftguard.state;

import com.azure.core.http.HttpPipeline;
import com.azure.core.http.rest.PagedIterable;
import com.azure.json.JsonSerializable;
import com.azure.resourcemanager.appservice.fluent.WebAppsClient;
import com.azure.resourcemanager.appservice.fluent.models.SiteInner;
import com.azure.resourcemanager.appservice.implementation.WebSiteManagementClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.ArmGateway.SitePage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;

/**
 * The site and slot lists, through {@code azure-resourcemanager-appservice}'s low-level {@link WebAppsClient}, page by
 * page. The SDK would follow ARM's {@code nextLink} verbatim; each page's link is instead judged as the HTTP client
 * would send it, and only its skip token is kept: the next page's link is built here from the endpoint and the list's
 * path, so that whoever stores a token cannot choose where the next request goes.
 */
final class SiteLists {

  /** The api-version the App Service SDK lists sites with; ARM's nextLink repeats its list's version. */
  private static final String SITE_LIST_API_VERSION = "2025-03-01";

  /** The longest skip token accepted from a list page or a checkpoint; ARM's are a few hundred characters. */
  private static final int MAX_SKIP_TOKEN = 4096;

  private final HttpPipeline pipeline;
  private final EndpointPinPolicy pin;
  private final String resourceManagerEndpoint;
  private final URI endpoint;
  private final Map<String, WebAppsClient> clientsBySubscription = new ConcurrentHashMap<>();
  private final ObjectMapper json = new ObjectMapper();

  SiteLists(HttpPipeline pipeline, EndpointPinPolicy pin, String resourceManagerEndpoint) {
    this.pipeline = pipeline;
    this.pin = pin;
    this.resourceManagerEndpoint = resourceManagerEndpoint;
    this.endpoint = URI.create(resourceManagerEndpoint);
  }

  /** One page of {@code /subscriptions/{id}/providers/Microsoft.Web/sites}: from the start, or at a skip token. */
  SitePage listSites(String subscriptionId, Optional<String> skipToken, CallBudget budget) {
    String scope = "the site list of subscription " + subscriptionId;
    URI listUri = endpoint.resolve("subscriptions/" + subscriptionId + "/providers/Microsoft.Web/sites");
    skipToken.ifPresent(token -> requireValidSkipToken(scope, token));
    return ArmErrors.call(scope, () -> page(client(subscriptionId).list(budget.context()), scope, listUri, skipToken));
  }

  /** The deployment slots of a site, every page. */
  List<JsonNode> listSlots(SiteRef site, CallBudget budget) {
    WebAppsClient client = client(site.subscriptionId());
    String scope = "the slots of " + site.displayName();
    URI listUri = endpoint.resolve(ArmEndpoints.sitePath(site) + "/slots");
    return ArmErrors.call(scope, () -> {
      List<JsonNode> slots = new ArrayList<>();
      Optional<String> skipToken = Optional.empty();
      do {
        SitePage page = page(client.listSlots(site.resourceGroup(), site.site(), budget.context()), scope, listUri,
            skipToken);
        slots.addAll(page.sites());
        skipToken = page.skipToken();
      } while (skipToken.isPresent());
      return slots;
    });
  }

  /** Whether a skip token is one ARM could have issued: printable ASCII of reasonable length, nothing else. */
  static boolean isValidSkipToken(String token) {
    return token != null && !token.isEmpty() && token.length() <= MAX_SKIP_TOKEN
        && token.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  /** One page of an SDK list, from the start or at a skip token. */
  private SitePage page(PagedIterable<SiteInner> list, String scope, URI listUri, Optional<String> skipToken) {
    var pages = skipToken.isPresent() ? list.iterableByPage(nextLink(listUri, skipToken.get())) : list.iterableByPage();
    var page = pages.iterator().next();
    List<JsonNode> sites = new ArrayList<>();
    page.getValue().forEach(site -> sites.add(listed(site)));
    return new SitePage(sites,
        Optional.ofNullable(page.getContinuationToken()).map(next -> skipTokenOf(scope, listUri, next)));
  }

  /** The next page's link, built here from the endpoint, the list path and the token: never taken from storage. */
  private static String nextLink(URI listUri, String skipToken) {
    return listUri + "?api-version=" + SITE_LIST_API_VERSION
        + "&$skipToken=" + URLEncoder.encode(skipToken, StandardCharsets.UTF_8);
  }

  /**
   * The skip token of ARM's {@code nextLink}, which must continue the same list on the same endpoint, as the HTTP
   * client would read the link.
   */
  private String skipTokenOf(String scope, URI listUri, String nextLink) {
    HttpUrl next;
    try {
      next = pin.check(nextLink);
    } catch (RefusedRequestException e) {
      throw ArmErrors.refused(scope, "ARM's nextLink: " + e.getMessage());
    }
    if (!listUri.getPath().equalsIgnoreCase("/" + String.join("/", next.pathSegments()))) {
      throw ArmErrors.refused(scope, "ARM's nextLink does not continue this list on " + listUri.getAuthority());
    }
    for (String name : next.queryParameterNames()) {
      String token = next.queryParameter(name);
      if (name.equalsIgnoreCase("$skipToken") && token != null) {
        requireValidSkipToken(scope, token);
        return token;
      }
    }
    throw ArmErrors.refused(scope, "ARM's nextLink has no $skipToken");
  }

  private static void requireValidSkipToken(String scope, String token) {
    if (!isValidSkipToken(token)) {
      throw ArmErrors.refused(scope, "the skip token is not one ARM could have issued");
    }
  }

  /**
   * The App Service client alone, as {@code AppServiceManager} builds it: the manager would also build Key Vault,
   * Storage, Authorization, DNS and MSI managers driftguard never calls (some 700 classes, seconds of a cold start).
   */
  private WebAppsClient client(String subscriptionId) {
    return clientsBySubscription.computeIfAbsent(subscriptionId, id -> new WebSiteManagementClientBuilder()
        .pipeline(pipeline).endpoint(resourceManagerEndpoint).subscriptionId(id)
        .buildClient().getWebApps());
  }

  /**
   * A listed site as JSON, with its id and {@code properties.sku}: the SDK's JSON form leaves out read-only fields, and
   * the plan's sku is how the hosting model tells Consumption from Premium and Dedicated.
   */
  private JsonNode listed(SiteInner site) {
    ObjectNode resource = (ObjectNode) toJson(site).orElseThrow();
    resource.put("id", site.id());
    if (site.sku() != null && resource.get("properties") instanceof ObjectNode properties) {
      properties.put("sku", site.sku());
    }
    return resource;
  }

  /** The resource as JSON, or empty when ARM answered without a body (202). */
  private Optional<JsonNode> toJson(JsonSerializable<?> resource) {
    if (resource == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(json.readTree(resource.toJsonString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
