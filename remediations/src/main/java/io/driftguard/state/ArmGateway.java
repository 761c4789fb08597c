package io.driftguard.state;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.policy.AddDatePolicy;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.http.rest.PagedIterable;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.json.JsonSerializable;
import com.azure.resourcemanager.appservice.fluent.WebAppsClient;
import com.azure.resourcemanager.appservice.fluent.models.SiteInner;
import com.azure.resourcemanager.appservice.implementation.WebSiteManagementClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.time.Ticker;
import io.driftguard.documents.Document;
import io.driftguard.documents.WriteVerb;
import io.driftguard.resource.SiteRef;
import io.driftguard.text.Printable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.X509TrustManager;
import okhttp3.HttpUrl;

/**
 * Reads and sparsely writes the {@link Document}s of sites and slots, one generic request each (one GET per read, one
 * PATCH, or PUT where ARM has no PATCH, holding only the given properties per fix), and lists sites and slots through
 * {@code azure-resourcemanager-appservice}'s low-level {@link WebAppsClient}; both through one pipeline. It never calls
 * the fluent API (which re-reads and PUTs whole configs) nor any operation that reveals secrets.
 *
 * <p>Built once and shared; thread-safe. One HTTP pipeline serves every subscription. It sends nothing but to the
 * configured endpoint, and writes nothing but the catalog's documents, each with its own verb: a refused request fails
 * with status {@link #REFUSED}, before any token is attached.
 */
public final class ArmGateway {

  /**
   * The api-version of document reads and writes: the one {@code azure-resourcemanager-appservice} 2.54.1 sends for
   * its typed calls (the site and slot lists), so both kinds of call see the same API.
   */
  static final String API_VERSION = "2025-03-01";

  /** The status of an {@link ArmException} for a request driftguard refused to send (421 Misdirected Request). */
  public static final int REFUSED = 421;

  /** The code of an {@link ArmException} for an answer below 400 that is not the resource (nothing shows a write). */
  public static final String NOT_THE_RESOURCE = "NotTheResource";

  /** The api-version the App Service SDK lists sites with; ARM's nextLink repeats its list's version. */
  private static final String SITE_LIST_API_VERSION = "2025-03-01";

  /** The longest skip token accepted from a list page or a checkpoint; ARM's are a few hundred characters. */
  private static final int MAX_SKIP_TOKEN = 4096;

  /** ARM's own token audience for the public cloud; custom endpoints (sandbox, proxies) use it too. */
  private static final String PUBLIC_MANAGEMENT_AUDIENCE = AzureEnvironment.AZURE.getManagementEndpoint();

  private final HttpPipeline pipeline;
  private final EndpointPinPolicy pin;
  private final PrefetchedCredential credential;
  private final String tokenScope;
  private final AzureEnvironment environment;
  private final URI endpoint;
  private final Map<String, WebAppsClient> clientsBySubscription = new ConcurrentHashMap<>();
  private final ObjectMapper json = new ObjectMapper();

  private ArmGateway(Builder builder) {
    this.credential = builder.credential instanceof PrefetchedCredential prefetched ? prefetched
        : PrefetchedCredential.building(() -> builder.credential, builder.clock);
    this.tokenScope = tokenScope(builder.endpoint);
    this.environment = environmentFor(builder.endpoint);
    this.endpoint = URI.create(environment.getResourceManagerEndpoint());
    this.pin = new EndpointPinPolicy(builder.endpoint);
    this.pipeline = new HttpPipelineBuilder()
        .httpClient(Transport.client(builder.trust, builder.tryTimeout))
        .policies(
            // First, so that nothing (a nextLink, a polling URL, a checkpoint) sends the token to another host.
            pin,
            new WriteTargetPolicy(),
            new UserAgentPolicy("driftguard"),
            new RequestIdPolicy(),
            // The one retry layer: 408, 429 and 5xx, honouring Retry-After; never a fail-fast.
            new RetryPolicy(new ArmRetryStrategy(builder.backoff)),
            // Per try, in this order: inside the event's budget, past the breaker, with a rate-limit token.
            new DeadlinePolicy(),
            new CircuitBreakerPolicy(new CircuitBreaker(builder.breaker, builder.clock)),
            new RateLimitPolicy(builder.rateLimits, builder.ticker),
            new AddDatePolicy(),
            new BearerTokenAuthenticationPolicy(credential, tokenScope),
            new ArmRequestCounter())
        .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts fetching the token the first request will need, on its own thread, so that its round trip overlaps what
   * the caller does before that request (claiming the event); the first request then takes it. Once per gateway.
   */
  public void prepare() {
    credential.prefetch(tokenScope);
  }

  /** GETs one document of a site or slot and returns the whole resource as JSON. */
  public JsonNode read(SiteRef ref, Document document, CallBudget usage) {
    return send(HttpMethod.GET, ref, document, null, usage);
  }

  /**
   * Writes a document with the verb it declares and a body holding only {@code properties} (for PUT documents, which
   * are that small, that is all of it). Returns the resource as ARM answered it; any other answer (a redirect, a 202 or
   * 204, an empty body, no JSON object) fails with {@link #NOT_THE_RESOURCE}: only the resource shows what was written.
   */
  public JsonNode write(SiteRef ref, Document document, ObjectNode properties, CallBudget usage) {
    WriteVerb verb = document.write()
        .orElseThrow(() -> new IllegalArgumentException("driftguard never writes " + document.name()));
    String body = json.createObjectNode().set("properties", properties).toString();
    return send(HttpMethod.valueOf(verb.name()), ref, document, body, usage);
  }

  /**
   * One request for one document, through the same pipeline as the SDK's calls (retry, deadline, breaker, rate
   * limits, counting): the URL is the site or slot id, the document's path under it and the SDK's api-version.
   */
  private JsonNode send(HttpMethod method, SiteRef ref, Document document, String body, CallBudget usage) {
    return send(method, ref, document.name() + " of " + ref.displayName(), document.child(), body, usage);
  }

  /**
   * One request to {@code path} under the site or slot ({@code child} of a document, or a collection of them), whose
   * answer must be the resource: 200 (or 201 for a PUT that created it) and a JSON object.
   */
  private JsonNode send(HttpMethod method, SiteRef ref, String what, Optional<String> path, String body,
                        CallBudget usage) {
    String url = endpoint + "subscriptions/" + segment(ref.subscriptionId()) + "/resourceGroups/"
        + segment(ref.resourceGroup()) + "/providers/Microsoft.Web/sites/" + segment(ref.site())
        + ref.slot().map(slot -> "/slots/" + segment(slot)).orElse("")
        + path.map(child -> "/" + child).orElse("") + "?api-version=" + API_VERSION;
    HttpRequest request = new HttpRequest(method, url);
    if (body != null) {
      request.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json").setBody(body);
    }
    return call(what, () -> {
      try (HttpResponse response = pipeline.sendSync(request, usage.context())) {
        // Parsed from the bytes: no String copy of every answer.
        BinaryData answered = response.getBodyAsBinaryData();
        byte[] answer = answered == null ? new byte[0] : answered.toBytes();
        int status = response.getStatusCode();
        if (status >= 400) {
          throw armError(what, status, new String(answer, StandardCharsets.UTF_8));
        }
        JsonNode resource = status == 200 || status == 201 ? parsedObject(answer) : null;
        if (resource == null) {
          // OkHttp follows no redirect (Transport): a 3xx arrives here, as do 202 and 204, and none shows the resource.
          throw new ArmException(status, NOT_THE_RESOURCE, what + ": ARM answered HTTP " + status
              + (answer.length == 0 ? " with no body" : "") + ", not the resource", null);
        }
        return resource;
      }
    });
  }

  /** The answer as a JSON object, or null when it is empty, not JSON, or another JSON value. */
  private JsonNode parsedObject(byte[] answer) {
    try {
      JsonNode parsed = answer.length == 0 ? null : json.readTree(answer);
      return parsed != null && parsed.isObject() ? parsed : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** A name as one path segment, percent-encoded as the SDK does (resource groups may hold non-ASCII letters). */
  private static String segment(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * ARM's error body as an exception that says what was being done: ARM's {@code {"error":{"code","message"}}}, or App
   * Service's own {@code {"Code","Message","Details"}} (its refusals of a setting for a kind of site come that way).
   */
  private ArmException armError(String what, int status, String answer) {
    JsonNode body;
    try {
      body = json.readTree(answer);
    } catch (IOException e) {
      body = json.missingNode();
    }
    JsonNode error = body.has("error") ? body.path("error") : body;
    JsonNode code = error.has("code") ? error.path("code") : error.path("Code");
    JsonNode message = error.has("message") ? error.path("message") : error.path("Message");
    String shownCode = code.asText("Http" + status);
    return new ArmException(status, shownCode, what + ": " + shownCode + " " + message.asText(""), null);
  }

  /**
   * One page of a subscription's site list (sites only; slots are listed per site) or of a site's slots, and the skip
   * token of the next page: only the token, so that whoever stores it cannot choose where the next request goes.
   */
  public record SitePage(List<JsonNode> sites, Optional<String> skipToken) {}

  /** GETs one page of {@code /subscriptions/{id}/providers/Microsoft.Web/sites}: from the start, or at a skip token. */
  public SitePage listSites(String subscriptionId, Optional<String> skipToken, CallBudget budget) {
    String scope = "the site list of subscription " + subscriptionId;
    URI listUri = endpoint.resolve("subscriptions/" + subscriptionId + "/providers/Microsoft.Web/sites");
    skipToken.ifPresent(token -> requireValidSkipToken(scope, token));
    return call(scope, () -> page(client(subscriptionId).list(budget.context()), scope, listUri, skipToken));
  }

  /**
   * One page of an SDK list, from the start or at a skip token. The SDK would follow ARM's {@code nextLink} verbatim,
   * through a URL parser of its own; each page's link is instead judged as the HTTP client would send it, and the next
   * one is built from the endpoint, the list's path and the skip token alone.
   */
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
      throw refused(scope, "ARM's nextLink: " + e.getMessage());
    }
    if (!listUri.getPath().equalsIgnoreCase("/" + String.join("/", next.pathSegments()))) {
      throw refused(scope, "ARM's nextLink does not continue this list on " + listUri.getAuthority());
    }
    for (String name : next.queryParameterNames()) {
      String token = next.queryParameter(name);
      if (name.equalsIgnoreCase("$skipToken") && token != null) {
        requireValidSkipToken(scope, token);
        return token;
      }
    }
    throw refused(scope, "ARM's nextLink has no $skipToken");
  }

  /** Whether a skip token is one ARM could have issued: printable ASCII of reasonable length, nothing else. */
  public static boolean isValidSkipToken(String token) {
    return token != null && !token.isEmpty() && token.length() <= MAX_SKIP_TOKEN
        && token.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  private static void requireValidSkipToken(String scope, String token) {
    if (!isValidSkipToken(token)) {
      throw refused(scope, "the skip token is not one ARM could have issued");
    }
  }

  private static ArmException refused(String scope, String why) {
    return new ArmException(REFUSED, "RequestRefused", scope + ": " + why, null);
  }

  /** Resource Graph's query endpoint, under the ARM endpoint: the same pipeline, pin and token serve it. */
  static final String RESOURCE_GRAPH_PATH = "/providers/Microsoft.ResourceGraph/resources";
  private static final String RESOURCE_GRAPH_API_VERSION = "2022-10-01";

  /** Whether a request is a Resource Graph query: a read, though a POST, with its own quota instead of ARM's buckets. */
  static boolean isResourceGraphQuery(HttpRequest request) {
    return request.getHttpMethod() == HttpMethod.POST
        && RESOURCE_GRAPH_PATH.equalsIgnoreCase(request.getUrl().getPath());
  }

  /** Resource Graph's answer to one query page, with the headers that say how much of its quota is left. */
  public record GraphAnswer(JsonNode body, HttpHeaders headers) {}

  /** POSTs one Resource Graph query ({@code {"subscriptions":..., "query":..., "options":...}}). */
  public GraphAnswer queryResourceGraph(ObjectNode request, CallBudget budget) {
    String scope = "the Resource Graph query";
    HttpRequest post = new HttpRequest(HttpMethod.POST,
        endpoint.resolve(RESOURCE_GRAPH_PATH.substring(1) + "?api-version=" + RESOURCE_GRAPH_API_VERSION).toString())
        .setHeader(HttpHeaderName.CONTENT_TYPE, "application/json")
        .setBody(request.toString());
    return call(scope, () -> {
      try (HttpResponse response = pipeline.sendSync(post, budget.context())) {
        String body = response.getBodyAsBinaryData() == null ? "" : response.getBodyAsBinaryData().toString();
        JsonNode answer = body.isBlank() ? json.createObjectNode() : json.readTree(body);
        if (response.getStatusCode() >= 400) {
          String code = answer.path("error").path("code").asText("Http" + response.getStatusCode());
          throw new ArmException(response.getStatusCode(), code, scope + ": " + Printable.abbreviate(code) + " "
              + Printable.abbreviate(answer.path("error").path("message").asText("")), null);
        }
        return new GraphAnswer(answer, response.getHeaders());
      } catch (IOException e) {
        throw new ArmException(200, "UnreadableResponse", scope + ": the answer is not JSON", e);
      }
    });
  }

  /** GETs the deployment slots of a site, every page. */
  public List<JsonNode> listSlots(SiteRef site, CallBudget budget) {
    WebAppsClient client = client(site.subscriptionId());
    String scope = "the slots of " + site.displayName();
    URI listUri = endpoint.resolve("subscriptions/" + segment(site.subscriptionId()) + "/resourceGroups/"
        + segment(site.resourceGroup()) + "/providers/Microsoft.Web/sites/" + segment(site.site()) + "/slots");
    return call(scope, () -> {
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

  /**
   * GETs the collection {@code document} is listed in ({@link Document#listedWith()}): it and its siblings in one read,
   * for a sweep that screens documents Resource Graph does not index (ARM has no such list across sites). The
   * collections driftguard lists hold a handful of entries, on one page.
   */
  public List<JsonNode> listWithSiblings(SiteRef site, Document document, CallBudget budget) {
    String collection = document.listedWith()
        .orElseThrow(() -> new IllegalArgumentException(document.name() + " is not listed with siblings"));
    List<JsonNode> listed = new ArrayList<>();
    send(HttpMethod.GET, site, collection + " of " + site.displayName(), Optional.of(collection), null, budget)
        .path("value").forEach(listed::add);
    return listed;
  }

  /**
   * The App Service client alone, as {@code AppServiceManager} builds it: the manager would also build Key Vault,
   * Storage, Authorization, DNS and MSI managers driftguard never calls (some 700 classes, seconds of a cold start).
   */
  private WebAppsClient client(String subscriptionId) {
    return clientsBySubscription.computeIfAbsent(subscriptionId, id -> new WebSiteManagementClientBuilder()
        .pipeline(pipeline).endpoint(environment.getResourceManagerEndpoint()).subscriptionId(id)
        .buildClient().getWebApps());
  }

  private interface SdkCall<T> {
    T run();
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

  /** Runs an SDK call, turning its failures into {@link ArmException}s that say what was being done. */
  private <T> T call(String what, SdkCall<T> sdkCall) {
    try {
      return sdkCall.run();
    } catch (ArmException e) {
      throw e;
    } catch (ManagementException e) {
      String code = e.getValue() == null ? "HttpError" : e.getValue().getCode();
      String message = e.getValue() == null ? "" : e.getValue().getMessage();
      throw new ArmException(e.getResponse().getStatusCode(), code,
          what + ": " + Printable.abbreviate(code) + " " + Printable.abbreviate(message), e);
    } catch (HttpResponseException e) {
      if (e.getResponse() == null) {
        // No ARM answer at all: the credential could not get a token (ClientAuthenticationException and the like).
        throw new ArmException(0, "NoToken", what + ": no access token: " + firstLine(e.getMessage()), e);
      }
      int status = e.getResponse().getStatusCode();
      throw new ArmException(status, "Http" + status, what + ": HTTP " + status, e);
    } catch (RuntimeException e) {
      Optional<RefusedRequestException> refusal = Failures.causeOfType(e, RefusedRequestException.class);
      if (refusal.isPresent()) {
        throw refused(what, refusal.get().getMessage());
      }
      Optional<FailFastException> failFast = Failures.causeOfType(e, FailFastException.class);
      if (failFast.isPresent()) {
        throw new ArmException(0, "FailFast", what + ": " + failFast.get().getMessage(), e);
      }
      if (Failures.isTransportFailure(e)) {
        throw new ArmException(0, "NoResponse", what + ": no response (" + rootCause(e) + ")", e);
      }
      throw e;
    }
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }

  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName();
  }

  private static AzureEnvironment environmentFor(URI endpoint) {
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
  public static String tokenScope(URI endpoint) {
    AzureEnvironment environment = environmentFor(endpoint);
    String audience = AzureEnvironment.knownEnvironments().contains(environment)
        ? environment.getManagementEndpoint() : PUBLIC_MANAGEMENT_AUDIENCE;
    return audience + "/.default";
  }

  /** Settings for the gateway; the defaults are the SDK's own retry defaults. */
  public static final class Builder {
    private URI endpoint = URI.create(AzureEnvironment.AZURE.getResourceManagerEndpoint());
    private TokenCredential credential;
    private X509TrustManager trust;
    private ExponentialBackoffOptions backoff = RetrySettings.sdkDefault();
    private RateLimits rateLimits = RateLimits.ARM;
    private CircuitBreaker.Limits breaker = new CircuitBreaker.Limits(10, Duration.ofSeconds(30));
    private Duration tryTimeout = Duration.ofSeconds(10);
    private Clock clock;
    private Ticker ticker;

    private Builder() {}

    /** The time the circuit breaker measures its open periods in, and the credential its tokens' expiry. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** The time the rate limits refill and wait in. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker);
      return this;
    }

    public Builder endpoint(URI endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint);
      return this;
    }

    public Builder credential(TokenCredential credential) {
      this.credential = Objects.requireNonNull(credential);
      return this;
    }

    /** Whom to trust for TLS, e.g. a local certificate; default: the JVM's truststore. */
    public Builder trust(X509TrustManager trust) {
      this.trust = trust;
      return this;
    }

    public Builder retries(ExponentialBackoffOptions backoff) {
      this.backoff = Objects.requireNonNull(backoff);
      return this;
    }

    public Builder rateLimits(RateLimits rateLimits) {
      this.rateLimits = Objects.requireNonNull(rateLimits);
      return this;
    }

    public Builder circuitBreaker(CircuitBreaker.Limits breaker) {
      this.breaker = Objects.requireNonNull(breaker);
      return this;
    }

    /** How long one attempt may wait for ARM's response. */
    public Builder tryTimeout(Duration tryTimeout) {
      this.tryTimeout = tryTimeout;
      return this;
    }

    public ArmGateway build() {
      Objects.requireNonNull(credential, "credential");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(ticker, "ticker");
      return new ArmGateway(this);
    }
  }
}
