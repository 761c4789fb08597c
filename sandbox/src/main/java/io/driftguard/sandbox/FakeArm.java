package io.driftguard.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The fake Azure Resource Manager for Microsoft.Web sites: state, request log, faults, throttling and the events Azure
 * would emit. Thread-safe.
 */
public final class FakeArm {
  private final URI armEndpoint;
  private final Function<String, Optional<IssuedToken>> tokens;
  private final ResourceWriteEvents events;
  /** Its monitor also guards {@link #emittedEvents}, so that events come out in the order of the writes. */
  private final WebResourceProvider provider;
  private final List<String> emittedEvents = new ArrayList<>();
  private final RequestLog requests = new RequestLog();
  private final Faults faults = new Faults();
  private volatile Duration latency = Duration.ZERO;
  /** Null when off. */
  private volatile ArmThrottling throttling;
  private final AtomicInteger throttledCount = new AtomicInteger();
  private final ResourceGraph resourceGraph;

  FakeArm(URI armEndpoint, int pageSize, String tenantId, Function<String, Optional<IssuedToken>> tokens) {
    this.armEndpoint = armEndpoint;
    this.tokens = tokens;
    this.events = new ResourceWriteEvents(tenantId);
    this.provider = new WebResourceProvider(armEndpoint, pageSize);
    this.resourceGraph = new ResourceGraph(provider::graphRows);
  }

  /** Azure Resource Graph on the same endpoint, indexing these sites: its quota, lag and refusal are set there. */
  public ResourceGraph resourceGraph() {
    return resourceGraph;
  }

  /** True for a Resource Graph query: a POST that only reads. */
  public static boolean isResourceGraphQuery(RecordedRequest request) {
    return request.path().equalsIgnoreCase(ResourceGraph.PATH);
  }

  // --- Seeding: no HTTP, no request log entry, no event.

  /** Creates (or replaces) a site. Basic-auth publishing (ftp, scm) starts allowed, as on a new site. */
  public SiteHandle seedSite(String subscriptionId, String resourceGroup, String name, String kind,
      Map<String, String> tags, boolean httpsOnly, Map<String, Object> webConfigProperties) {
    return provider.seed(new SiteHandle(subscriptionId, resourceGroup, name, null), kind,
        tags == null ? Map.of() : tags, httpsOnly, webConfigProperties);
  }

  /**
   * Creates (or replaces) a function app hosted as {@code hosting} (its kind, the site properties that tell the model,
   * and the writes ARM refuses for it); {@code webConfigProperties} go over its runtime's config/web values.
   */
  public SiteHandle seedSite(String subscriptionId, String resourceGroup, String name, Hosting hosting,
      Map<String, String> tags, boolean httpsOnly, Map<String, Object> webConfigProperties) {
    return provider.seed(new SiteHandle(subscriptionId, resourceGroup, name, null), hosting,
        tags == null ? Map.of() : tags, httpsOnly, webConfigProperties);
  }

  /**
   * Makes ARM refuse, on this site seeded with a hosting model, writes of {@code property} too, with that model's
   * recorded 400: for the settings whose ARM behaviour on the model nobody has shown (a {@code ?} in the reference).
   */
  public void refuseOn(SiteHandle site, String property) {
    provider.refuse(site.id(), property);
  }

  /** Creates (or replaces) a slot of a seeded site; it inherits the site's kind and tags. */
  public SiteHandle seedSlot(String subscriptionId, String resourceGroup, String site, String slot,
      boolean httpsOnly, Map<String, Object> webConfigProperties) {
    return seedSlot(subscriptionId, resourceGroup, site, slot, null, null, httpsOnly, webConfigProperties);
  }

  /** As {@link #seedSlot(String, String, String, String, boolean, Map)}; a null kind or tags is inherited. */
  public SiteHandle seedSlot(String subscriptionId, String resourceGroup, String site, String slot, String kind,
      Map<String, String> tags, boolean httpsOnly, Map<String, Object> webConfigProperties) {
    return provider.seed(new SiteHandle(subscriptionId, resourceGroup, site, slot), kind, tags, httpsOnly,
        webConfigProperties);
  }

  /**
   * Sets a document as a deployment would have left it, without a request log entry or event: {@code method} and
   * {@code jsonBody} as ARM takes them for that document (e.g. PUT for a basic-auth publishing policy).
   *
   * @throws IllegalStateException if ARM would refuse the request
   */
  public void seedDocument(String method, String path, String jsonBody) {
    ArmResponse response;
    synchronized (provider) {
      response = provider.handle(ArmRoute.parse(path), method.toUpperCase(Locale.ROOT), jsonBody, Map.of());
    }
    if (!response.succeeded()) {
      throw new IllegalStateException(method + " " + path + " answered " + response.status() + ": " + response.body());
    }
  }

  // --- Acting as a person or pipeline.

  /**
   * Sends a request as {@code caller} would through ARM: same handling as HTTP (without faults and latency), logged
   * with the caller's object id, and a successful PUT/PATCH emits an event.
   *
   * @param path a resource path, optionally with a query; {@code api-version} is added when missing
   * @throws IllegalStateException if ARM refuses the request
   */
  public void write(Caller caller, String method, String path, String jsonBody) {
    int q = path.indexOf('?');
    String query = q < 0 ? "" : path.substring(q + 1);
    if (!Http.queryParameters(query).containsKey("api-version")) {
      query = query.isEmpty() ? "api-version=2025-03-01" : query + "&api-version=2025-03-01";
    }
    ArmRequest request = new ArmRequest(Instant.now(), method.toUpperCase(Locale.ROOT),
        q < 0 ? path : path.substring(0, q), query, jsonBody == null ? "" : jsonBody,
        UUID.randomUUID().toString(), UUID.randomUUID().toString(),
        caller.ipAddress() == null ? "127.0.0.1" : caller.ipAddress());
    ArmResponse response = serve(request, IssuedToken.armTokenOf(caller));
    record(request, response.status(), caller.objectId());
    if (!response.succeeded()) {
      throw new IllegalStateException(
          request.method() + " " + path + " answered " + response.status() + ": " + response.body());
    }
  }

  // --- Reading state, for assertions.

  /** The GET site (or slot) JSON, or null if absent. */
  public Map<String, Object> site(String siteOrSlotId) {
    return asMap(provider.render(siteOrSlotId, SiteState::siteResource));
  }

  /** The GET config/web JSON, or null if the site (or slot) is absent. */
  public Map<String, Object> webConfig(String siteOrSlotId) {
    return asMap(provider.render(siteOrSlotId, state -> state.documentResource(SiteState.WEB_CONFIG)));
  }

  /** Deletes a site with its slots, or one slot. */
  public void deleteSite(String id) {
    provider.delete(id);
  }

  // --- Request log: every request received on the ARM port, and every write(...).

  public List<RecordedRequest> requests() {
    return requests.snapshot();
  }

  public void clearRequests() {
    requests.clear();
  }

  // --- Faults and latency: HTTP requests only.

  public FaultHandle inject(Fault fault) {
    return faults.inject(fault);
  }

  /** Random faults; asked after every {@link Fault}, which take precedence. */
  public ChaosHandle inject(Chaos chaos) {
    return faults.inject(chaos);
  }

  public void clearFaults() {
    faults.clear();
  }

  /** Added to every ARM response. */
  public void latency(Duration perRequest) {
    latency = perRequest;
  }

  // --- Throttling: HTTP requests with a valid token, after faults and authentication.

  /**
   * Throttles as ARM does, with fresh (full) buckets, or stops throttling for null or {@link ArmThrottle#OFF}.
   * A throttled request is answered 429 with {@code Retry-After}, changes nothing and is logged with status 429.
   */
  public void throttle(ArmThrottle limits) {
    throttle(limits, System::nanoTime);
  }

  /** As {@link #throttle(ArmThrottle)}, the buckets refilling on {@code nanoTime}: a test moves it instead of waiting. */
  public void throttle(ArmThrottle limits, LongSupplier nanoTime) {
    throttling = limits == null || limits.isOff() ? null : new ArmThrottling(limits, nanoTime);
    throttledCount.set(0);
  }

  /** Requests refused by throttling since the last {@link #throttle} (injected 429 faults not included). */
  public int throttledCount() {
    return throttledCount.get();
  }

  // --- Events: one Microsoft.Resources.ResourceWriteSuccess (Event Grid schema JSON) per successful PUT/PATCH.

  public List<String> emittedEvents() {
    synchronized (provider) {
      return List.copyOf(emittedEvents);
    }
  }

  /** Returns the events emitted so far and forgets them. */
  public List<String> drainEmittedEvents() {
    synchronized (provider) {
      List<String> drained = List.copyOf(emittedEvents);
      emittedEvents.clear();
      return drained;
    }
  }

  // --- Classifying logged requests.

  /**
   * True for the endpoints that reveal secrets, whatever the method: app settings, connection strings, publishing
   * credentials, keys, authsettingsV2/list.
   */
  public static boolean isSecretRevealing(RecordedRequest request) {
    return ArmRoute.parse(request.path()).target() == ArmRoute.Target.SECRET;
  }

  /**
   * True for a PUT of a whole site, slot or document that also takes a PATCH (config/web): it overwrites whatever it
   * does not carry.
   */
  public static boolean isWholeDocumentPut(RecordedRequest request) {
    return request.method().equals("PUT") && isPatchable(ArmRoute.parse(request.path()));
  }

  /**
   * True for any write but a PATCH of a site, a slot or a document of theirs that takes one, or a PUT of a basic-auth publishing
   * policy (the only verb ARM offers there): app settings, connection strings, other config documents, whole-document
   * PUTs. driftguard's role could write some of these; its code never may.
   */
  public static boolean isWriteBeyondControlledDocuments(RecordedRequest request) {
    if (isResourceGraphQuery(request)) {
      return false;
    }
    ArmRoute route = ArmRoute.parse(request.path());
    return switch (request.method()) {
      case "GET" -> false;
      case "PATCH" -> !isPatchable(route);
      case "PUT" -> route.target() != ArmRoute.Target.PUBLISHING_POLICY;
      default -> true;
    };
  }

  private static boolean isPatchable(ArmRoute route) {
    return route.target() == ArmRoute.Target.SITE
        || (route.target() == ArmRoute.Target.DOCUMENT && route.document().accepts("PATCH"));
  }

  // --- The HTTP entry point.

  /**
   * Handles one HTTP request: faults and latency, authentication, api-version, throttling, then the resource
   * provider.
   */
  ArmResponse receive(ArmRequest request, String authorization) {
    IssuedToken token = Http.bearerToken(authorization).flatMap(tokens).orElse(null);
    ArmResponse response = respond(request, authorization, token);
    record(request, response.status(), token == null ? null : token.caller().objectId());
    return response;
  }

  private ArmResponse respond(ArmRequest request, String authorization, IssuedToken token) {
    ArmResponse forced = faults.apply(request.method(), request.path(), latency,
        fault -> FaultResponses.of(fault, ArmRoute.parse(request.path()), request.method(), token));
    if (forced != null && forced != ArmResponse.LOSE_ANSWER) {
      return forced;
    }
    if (authorization == null) {
      return unauthorized("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
    }
    if (token == null) {
      return unauthorized("InvalidAuthenticationToken", "The access token is invalid.");
    }
    if (!token.isForArm()) {
      return unauthorized("InvalidAuthenticationTokenAudience", "The access token has been obtained for wrong "
          + "audience or resource '" + token.audience() + "'. It should exactly match with one of the "
          + "allowed audiences '" + String.join("','", IssuedToken.ARM_AUDIENCES) + "'.");
    }
    if (!Http.queryParameters(request.rawQuery()).containsKey("api-version")) {
      return ArmResponse.error(400, "MissingApiVersionParameter",
          "The api-version query parameter (?api-version=) is required for all requests.");
    }
    ArmResponse served = request.path().equalsIgnoreCase(ResourceGraph.PATH)
        ? resourceGraph.answer(request.method(), request.body())
        : serveWithinLimits(request, token);
    return forced == ArmResponse.LOSE_ANSWER ? ArmResponse.DROP_CONNECTION : served;
  }

  /** Serves the request if its bucket has a token, adding the bucket's remaining count. */
  private ArmResponse serveWithinLimits(ArmRequest request, IssuedToken token) {
    ArmThrottling current = throttling;
    String subscriptionId = ArmRoute.parse(request.path()).subscriptionId();
    if (current == null || subscriptionId == null) {
      return serve(request, token);
    }
    ArmThrottling.Verdict verdict = current.take(subscriptionId, token.caller().objectId(), request.method());
    ArmResponse response;
    if (verdict.allowed()) {
      response = serve(request, token);
    } else {
      throttledCount.incrementAndGet();
      response = ArmResponse.throttled(verdict.kind(), subscriptionId, token.caller().objectId(),
          verdict.retryAfterSeconds()).withHeader("Retry-After", Long.toString(verdict.retryAfterSeconds()));
    }
    return response.withHeader(verdict.kind().remainingHeader, Long.toString(verdict.remaining()));
  }

  private ArmResponse serve(ArmRequest request, IssuedToken token) {
    ArmRoute route = ArmRoute.parse(request.path());
    synchronized (provider) {
      ArmResponse response =
          provider.handle(route, request.method(), request.body(), Http.queryParameters(request.rawQuery()));
      if (response.succeeded() && (request.method().equals("PUT") || request.method().equals("PATCH"))) {
        emittedEvents.add(events.resourceWriteSuccess(route, token, request, request.url(armEndpoint)));
      }
      return response;
    }
  }

  private void record(ArmRequest request, int status, String callerObjectId) {
    requests.add(new RecordedRequest(request.at(), request.method(), request.path(), request.rawQuery(),
        request.body(), status, callerObjectId, Instant.now()));
  }

  private static ArmResponse unauthorized(String code, String message) {
    return ArmResponse.error(401, code, message).withHeader("WWW-Authenticate",
        "Bearer authorization_uri=\"https://login.microsoftonline.com/common\", error=\"invalid_token\", "
            + "error_description=\"" + message.replace("\"", "'") + "\"");
  }

  private static Map<String, Object> asMap(ObjectNode node) {
    return node == null ? null : Json.toMap(node);
  }
}
