package io.driftguard.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Microsoft.Web resource provider behind the fake ARM: site state and the operations on it. Every public entry
 * point holds this object's monitor, so each request sees and leaves a consistent state.
 */
final class WebResourceProvider {
  /** Every site and slot by {@link SiteHandle#key()}, for lookups. */
  private final Map<String, SiteState> sites = new HashMap<>();
  /** The same, sorted: a subscription's or group's sites, and a site's slots, are ranges of it (key prefixes). */
  private final NavigableMap<String, SiteState> sorted = new TreeMap<>();
  private final URI armEndpoint;
  private final int pageSize;

  WebResourceProvider(URI armEndpoint, int pageSize) {
    this.armEndpoint = armEndpoint;
    this.pageSize = pageSize;
  }

  /**
   * Creates or replaces a site or slot. A slot needs its site, and inherits its kind and tags when they are null.
   */
  synchronized SiteHandle seed(SiteHandle handle, String kind, Map<String, String> tags, boolean httpsOnly,
      Map<String, Object> webConfig) {
    SiteState parent = handle.isSlot() ? sites.get(handle.parent().key()) : null;
    if (handle.isSlot() && parent == null) {
      throw new IllegalArgumentException("no site " + handle.parent().id() + " for slot " + handle.slot());
    }
    String effectiveKind = kind != null || parent == null ? kind : parent.kind;
    ObjectNode effectiveTags = tags != null || parent == null ? Json.fromMap(tags) : parent.tags.deepCopy();
    ObjectNode properties = Json.object().put("httpsOnly", httpsOnly);
    put(new SiteState(handle, parent == null ? null : parent.hosting, effectiveKind, effectiveTags, properties,
        Json.fromMap(webConfig)));
    return handle;
  }

  /**
   * Creates or replaces a function app hosted as {@code hosting}: its kind, the properties that tell the model, its
   * runtime's config/web values under {@code webConfig}, and ARM's refusals for it. A slot takes its site's hosting.
   */
  synchronized SiteHandle seed(SiteHandle handle, Hosting hosting, Map<String, String> tags, boolean httpsOnly,
      Map<String, Object> webConfig) {
    Map<String, Object> config = new LinkedHashMap<>(hosting.webConfig());
    config.putAll(webConfig);
    put(new SiteState(handle, hosting, hosting.kind(), Json.fromMap(tags), Json.object().put("httpsOnly", httpsOnly),
        Json.fromMap(config)));
    return handle;
  }

  /** Makes ARM refuse writes of {@code property} to the site (or slot) at {@code id} as its hosting model refuses. */
  synchronized void refuse(String id, String property) {
    SiteState state = sites.get(ArmRoute.parse(id).site().key());
    if (state == null || state.hosting == null) {
      throw new IllegalArgumentException("no site seeded with a hosting model at " + id);
    }
    state.alsoRefused.add(property);
  }

  /** Renders the state of the resource at {@code id} (a site or slot id), or null if absent. */
  synchronized ObjectNode render(String id, Function<SiteState, ObjectNode> view) {
    ArmRoute route = ArmRoute.parse(id);
    SiteState state = route.target() == ArmRoute.Target.SITE ? sites.get(route.site().key()) : null;
    return state == null ? null : view.apply(state);
  }

  /** Every site and slot as Resource Graph would index it now. */
  synchronized List<GraphQuery.Row> graphRows() {
    return sorted.values().stream().map(SiteState::graphRow).toList();
  }

  /** Deletes a site with its slots, or one slot. */
  synchronized void delete(String id) {
    ArmRoute route = ArmRoute.parse(id);
    if (route.target() != ArmRoute.Target.SITE) {
      throw new IllegalArgumentException("not a site or slot id: " + id);
    }
    String key = route.site().key();
    new ArrayList<>(withPrefix(key + "/slots/").keySet()).forEach(this::remove);
    remove(key);
  }

  synchronized ArmResponse handle(ArmRoute route, String method, String body, Map<String, String> query) {
    return switch (route.target()) {
      case UNKNOWN -> ArmResponse.error(404, "NotFound",
          "No HTTP resource was found that matches the request URI '" + route.resourceId() + "'.");
      case SUBSCRIPTION_SITES, GROUP_SITES -> onlyGet(method, () -> listSites(route, query));
      case SITE -> site(route, method, body);
      case SLOTS -> onlyGet(method, () -> existing(route, state -> ArmResponse.ok(listSlots(state.handle))));
      case DOCUMENT -> document(route, method, body);
      case PUBLISHING_POLICIES -> onlyGet(method, () -> existing(route, state -> {
        ObjectNode list = Json.object();
        ArrayNode value = list.putArray("value");
        state.publishingPolicies().forEach(policy -> value.add(state.publishingPolicyResource(policy)));
        return ArmResponse.ok(list);
      }));
      case PUBLISHING_POLICY -> publishingPolicy(route, method, body);
      case TAGS -> tags(route, method, body);
      // authsettingsV2/list is a GET; the other secret endpoints are POSTs.
      case SECRET -> method.equals("POST") || route.secret() == ArmRoute.Secret.AUTH_SETTINGS_WITH_SECRETS
          ? existing(route, state -> new ArmResponse(200, route.secret().fakeBody, Map.of()))
          : methodNotAllowed(method);
    };
  }

  private ArmResponse site(ArmRoute route, String method, String body) {
    return switch (method) {
      case "GET" -> existing(route, state -> ArmResponse.ok(state.siteResource()));
      case "PATCH" -> withBody(body, patch -> existing(route, state -> refusal(state, "site", patch).orElseGet(() -> {
        state.writeSite(patch, false);
        return ArmResponse.ok(state.siteResource());
      })));
      case "PUT" -> withBody(body, replacement -> createOrReplaceSite(route.site(), replacement));
      default -> methodNotAllowed(method);
    };
  }

  /** PUT creates, as in ARM; a slot needs its site and starts with its kind. */
  private ArmResponse createOrReplaceSite(SiteHandle handle, ObjectNode replacement) {
    SiteState parent = handle.isSlot() ? sites.get(handle.parent().key()) : null;
    if (handle.isSlot() && parent == null) {
      return ArmResponse.resourceNotFound(handle.parent());
    }
    SiteState state = sites.get(handle.key());
    if (state == null) {
      state = put(new SiteState(handle,
          parent == null ? "functionapp" : parent.kind, Json.object(), Json.object(), Json.object()));
    }
    state.writeSite(replacement, true);
    return ArmResponse.ok(state.siteResource());
  }

  /**
   * A document of the table: the verbs its row names; a PUT replaces what was written, a PATCH merges into it, unless
   * the site's hosting model refuses a property written. A collection's GET lists its members, which take its verbs.
   */
  private ArmResponse document(ArmRoute route, String method, String body) {
    SiteDocuments.Kind document = route.document();
    Optional<String> member = route.member();
    if (document.isCollection() && member.isEmpty()) {
      return method.equals("GET") ? existing(route, state -> ArmResponse.ok(state.collectionResource(document)))
          : methodNotAllowed(method);
    }
    if (!document.accepts(method)) {
      return methodNotAllowed(method);
    }
    if (method.equals("GET")) {
      return existing(route, state -> member.isEmpty() ? ArmResponse.ok(state.documentResource(document))
          : state.memberResource(document, member.get()).map(ArmResponse::ok).orElseGet(() -> ArmResponse.error(404,
              "NotFound", "Cannot find " + document.path() + " '" + member.get() + "' of " + route.site().id() + ".")));
    }
    return withBody(body, written -> existing(route, state -> refusal(state, document.path(), written)
        .orElseGet(() -> {
          ObjectNode properties = written.get("properties") instanceof ObjectNode p ? p : Json.object();
          if (member.isPresent()) {
            state.writeMember(document, member.get(), properties, method.equals("PUT"));
            return ArmResponse.ok(state.memberResource(document, member.get()).orElseThrow());
          }
          state.writeDocument(document, properties, method.equals("PUT"));
          return ArmResponse.ok(state.documentResource(document));
        })));
  }

  /** ARM's 400 where the site's hosting model refuses a property of the write's {@code properties}. */
  private static Optional<ArmResponse> refusal(SiteState state, String document, ObjectNode write) {
    return state.hosting == null ? Optional.empty()
        : state.hosting.refusal(document, write.path("properties"), state.alsoRefused);
  }

  private ArmResponse publishingPolicy(ArmRoute route, String method, String body) {
    return switch (method) {
      case "GET" -> existing(route, state -> ArmResponse.ok(state.publishingPolicyResource(route.child())));
      case "PUT" -> withBody(body, policy -> existing(route, state -> {
        if (!policy.path("properties").path("allow").isBoolean()) {
          return ArmResponse.error(400, "InvalidRequestContent",
              "The request content is invalid: 'properties.allow' must be a boolean.");
        }
        state.allowBasicAuth(route.child(), policy.get("properties").get("allow").asBoolean());
        return ArmResponse.ok(state.publishingPolicyResource(route.child()));
      }));
      default -> methodNotAllowed(method);
    };
  }

  /**
   * The Tags API on a site or slot: PUT replaces every tag, PATCH merges, replaces or deletes those given
   * ({@code operation} Merge, Replace or Delete), as ARM's {@code Microsoft.Resources/tags/default} does.
   */
  private ArmResponse tags(ArmRoute route, String method, String body) {
    return switch (method) {
      case "GET" -> existing(route, state -> ArmResponse.ok(state.tagsResource()));
      case "PUT", "PATCH" -> withBody(body, request -> existing(route, state -> {
        ObjectNode given = request.path("properties").get("tags") instanceof ObjectNode t ? t : Json.object();
        String operation = method.equals("PUT") ? "Replace" : request.path("operation").asText("");
        switch (operation) {
          case "Replace" -> state.tags = given.deepCopy();
          case "Merge" -> state.tags.setAll(given.deepCopy());
          case "Delete" -> given.fieldNames().forEachRemaining(state.tags::remove);
          default -> {
            return ArmResponse.error(400, "InvalidTagsOperation",
                "The tags operation '" + operation + "' is invalid: use Merge, Replace or Delete.");
          }
        }
        return ArmResponse.ok(state.tagsResource());
      }));
      default -> methodNotAllowed(method);
    };
  }

  /**
   * One page of sites (never slots), sorted by key, continued through {@code nextLink} as ARM does. The skip token
   * is the last key of the previous page, so a listing sees every site that exists throughout it exactly once,
   * however many are added meanwhile, and a page costs its size, not the number of sites.
   */
  private ArmResponse listSites(ArmRoute route, Map<String, String> query) {
    String prefix = (route.resourceGroup() == null
        ? "/subscriptions/" + route.subscriptionId() + "/resourceGroups/"
        : route.resourceId() + "/").toLowerCase(Locale.ROOT);
    NavigableMap<String, SiteState> range = withPrefix(prefix);
    String skipToken = query.get("$skipToken");
    if (skipToken != null) {
      String after = decodeSkipToken(skipToken);
      if (after == null || !after.startsWith(prefix)) {
        return ArmResponse.error(400, "InvalidSkipToken", "The skip token is invalid.");
      }
      range = range.tailMap(after, false);
    }
    ObjectNode page = Json.object();
    ArrayNode value = page.putArray("value");
    Iterator<SiteState> rest = range.values().stream().filter(s -> !s.handle.isSlot()).iterator();
    String last = null;
    while (rest.hasNext()) {
      if (value.size() == pageSize) {
        // The SDK follows nextLink verbatim, so it must carry the api-version.
        page.put("nextLink", armEndpoint + route.resourceId().substring(1) + "?api-version="
            + URLEncoder.encode(query.get("api-version"), StandardCharsets.UTF_8)
            + "&$skipToken=" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(last.getBytes(StandardCharsets.UTF_8)));
        break;
      }
      SiteState site = rest.next();
      value.add(site.siteResource());
      last = site.handle.key();
    }
    return ArmResponse.ok(page);
  }

  /** The key a skip token names, or null if it is not one. */
  private static String decodeSkipToken(String token) {
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private ObjectNode listSlots(SiteHandle site) {
    ObjectNode list = Json.object();
    ArrayNode value = list.putArray("value");
    withPrefix(site.key() + "/slots/").values().forEach(slot -> value.add(slot.siteResource()));
    return list;
  }

  private SiteState put(SiteState state) {
    sites.put(state.handle.key(), state);
    sorted.put(state.handle.key(), state);
    return state;
  }

  private void remove(String key) {
    sites.remove(key);
    sorted.remove(key);
  }

  /** The keys that start with {@code prefix}, which ends with '/': up to the same prefix ending with '0'. */
  private NavigableMap<String, SiteState> withPrefix(String prefix) {
    return sorted.subMap(prefix, true, prefix.substring(0, prefix.length() - 1) + '0', false);
  }

  private ArmResponse existing(ArmRoute route, Function<SiteState, ArmResponse> action) {
    SiteState state = sites.get(route.site().key());
    return state == null ? ArmResponse.resourceNotFound(route.site()) : action.apply(state);
  }

  private static ArmResponse withBody(String body, Function<ObjectNode, ArmResponse> action) {
    ObjectNode json = Json.parseObject(body);
    return json == null
        ? ArmResponse.error(400, "InvalidRequestContent",
            "The request content was invalid and could not be deserialized.")
        : action.apply(json);
  }

  private static ArmResponse onlyGet(String method, Supplier<ArmResponse> get) {
    return method.equals("GET") ? get.get() : methodNotAllowed(method);
  }

  private static ArmResponse methodNotAllowed(String method) {
    return ArmResponse.error(405, "MethodNotAllowed",
        "The requested resource does not support http method '" + method + "'.");
  }
}
