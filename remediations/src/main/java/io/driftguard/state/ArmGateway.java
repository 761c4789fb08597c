package io.driftguard.state;

import com.azure.core.credential.TokenCredential;
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
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.util.BinaryData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.time.Ticker;
import io.driftguard.documents.Document;
import io.driftguard.documents.WriteVerb;
import io.driftguard.resource.SiteRef;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.X509TrustManager;

/**
 * Reads and sparsely writes the {@link Document}s of sites and slots, one generic request each (one GET per read, one
 * PATCH, or PUT where ARM has no PATCH, holding only the given properties per fix), and lists sites and slots
 * ({@link SiteLists}) and queries Resource Graph ({@link ResourceGraphEndpoint}); all through one pipeline, whose
 * failures {@link ArmErrors} names. It never calls the fluent API (which re-reads and PUTs whole configs) nor any
 * operation that reveals secrets.
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

  private final HttpPipeline pipeline;
  private final PrefetchedCredential credential;
  private final String tokenScope;
  private final URI endpoint;
  private final SiteLists siteLists;
  private final ResourceGraphEndpoint resourceGraph;
  private final ObjectMapper json = new ObjectMapper();

  private ArmGateway(Builder builder) {
    this.credential = builder.credential instanceof PrefetchedCredential prefetched ? prefetched
        : PrefetchedCredential.building(() -> builder.credential, builder.clock);
    this.tokenScope = ArmEndpoints.tokenScope(builder.endpoint);
    String resourceManagerEndpoint = ArmEndpoints.environmentFor(builder.endpoint).getResourceManagerEndpoint();
    this.endpoint = URI.create(resourceManagerEndpoint);
    EndpointPinPolicy pin = new EndpointPinPolicy(builder.endpoint);
    this.pipeline = new HttpPipelineBuilder()
        .httpClient(Transport.client(builder.trust, builder.tryTimeout))
        .policies(
            // First, so that nothing (a nextLink, a polling URL, a checkpoint) sends the token to another host.
            pin,
            new WriteTargetPolicy(),
            new UserAgentPolicy("driftguard"),
            new RequestIdPolicy(),
            // The one retry layer: 408, 429 and 5xx, honouring Retry-After; never a fail-fast; waits on the ticker.
            new ArmRetryPolicy(builder.backoff, builder.ticker, builder.clock),
            // Per try, in this order: inside the event's budget, past the breaker, with a rate-limit token.
            new DeadlinePolicy(),
            new CircuitBreakerPolicy(new CircuitBreaker(builder.breaker, builder.clock)),
            new RateLimitPolicy(builder.rateLimits, builder.ticker),
            new AddDatePolicy(),
            new BearerTokenAuthenticationPolicy(credential, tokenScope),
            new ArmRequestCounter())
        .build();
    this.siteLists = new SiteLists(pipeline, pin, resourceManagerEndpoint);
    this.resourceGraph = new ResourceGraphEndpoint(pipeline, endpoint);
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
    String url = endpoint + ArmEndpoints.sitePath(ref)
        + ref.slot().map(slot -> "/slots/" + ArmEndpoints.segment(slot)).orElse("")
        + path.map(child -> "/" + child).orElse("") + "?api-version=" + API_VERSION;
    HttpRequest request = new HttpRequest(method, url);
    if (body != null) {
      request.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json").setBody(body);
    }
    return ArmErrors.call(what, () -> {
      try (HttpResponse response = pipeline.sendSync(request, usage.context())) {
        // Parsed from the bytes: no String copy of every answer.
        BinaryData answered = response.getBodyAsBinaryData();
        byte[] answer = answered == null ? new byte[0] : answered.toBytes();
        int status = response.getStatusCode();
        if (status >= 400) {
          throw ArmErrors.fromAnswer(what, status, new String(answer, StandardCharsets.UTF_8));
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

  /**
   * One page of a subscription's site list (sites only; slots are listed per site) or of a site's slots, and the skip
   * token of the next page: only the token, so that whoever stores it cannot choose where the next request goes.
   */
  public record SitePage(List<JsonNode> sites, Optional<String> skipToken) {}

  /** GETs one page of {@code /subscriptions/{id}/providers/Microsoft.Web/sites}: from the start, or at a skip token. */
  public SitePage listSites(String subscriptionId, Optional<String> skipToken, CallBudget budget) {
    return siteLists.listSites(subscriptionId, skipToken, budget);
  }

  /** Whether a skip token is one ARM could have issued: printable ASCII of reasonable length, nothing else. */
  public static boolean isValidSkipToken(String token) {
    return SiteLists.isValidSkipToken(token);
  }

  /** Resource Graph's answer to one query page, with the headers that say how much of its quota is left. */
  public record GraphAnswer(JsonNode body, HttpHeaders headers) {}

  /** POSTs one Resource Graph query ({@code {"subscriptions":..., "query":..., "options":...}}). */
  public GraphAnswer queryResourceGraph(ObjectNode request, CallBudget budget) {
    return resourceGraph.query(request, budget);
  }

  /** GETs the deployment slots of a site, every page. */
  public List<JsonNode> listSlots(SiteRef site, CallBudget budget) {
    return siteLists.listSlots(site, budget);
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

  /** The token scope for an ARM endpoint: its cloud's management audience, the public one for custom endpoints. */
  public static String tokenScope(URI endpoint) {
    return ArmEndpoints.tokenScope(endpoint);
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
