package io.driftguard.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Microsoft.Web resource provider behind the fake ARM: site state and the operations on it. Every public entry
 * point holds this object's monitor, so each request sees and leaves a consistent state.
 */
final class WebResourceProvider {
    private final Map<String, SiteState> sites = new HashMap<>();
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
        sites.put(handle.key(), new SiteState(handle, effectiveKind, effectiveTags, properties, Json.fromMap(webConfig)));
        return handle;
    }

    /** Renders the state of the resource at {@code id} (a site or slot id), or null if absent. */
    synchronized ObjectNode render(String id, Function<SiteState, ObjectNode> view) {
        ArmRoute route = ArmRoute.parse(id);
        SiteState state = route.target() == ArmRoute.Target.SITE ? sites.get(route.site().key()) : null;
        return state == null ? null : view.apply(state);
    }

    /** Deletes a site with its slots, or one slot. */
    synchronized void delete(String id) {
        ArmRoute route = ArmRoute.parse(id);
        if (route.target() != ArmRoute.Target.SITE) {
            throw new IllegalArgumentException("not a site or slot id: " + id);
        }
        String key = route.site().key();
        sites.keySet().removeIf(k -> k.equals(key) || k.startsWith(key + "/slots/"));
    }

    synchronized ArmResponse handle(ArmRoute route, String method, String body, Map<String, String> query) {
        return switch (route.target()) {
            case UNKNOWN -> ArmResponse.error(404, "NotFound",
                    "No HTTP resource was found that matches the request URI '" + route.resourceId() + "'.");
            case SUBSCRIPTION_SITES, GROUP_SITES -> onlyGet(method, () -> listSites(route, query));
            case SITE -> site(route, method, body);
            case SLOTS -> onlyGet(method, () -> existing(route, state -> ArmResponse.ok(listSlots(state.handle))));
            case WEB_CONFIG -> webConfig(route, method, body);
            case PUBLISHING_POLICIES -> onlyGet(method, () -> existing(route, state -> {
                ObjectNode list = Json.object();
                ArrayNode value = list.putArray("value");
                state.publishingPolicies().forEach(policy -> value.add(state.publishingPolicyResource(policy)));
                return ArmResponse.ok(list);
            }));
            case PUBLISHING_POLICY -> publishingPolicy(route, method, body);
            case SECRET -> method.equals("POST")
                    ? existing(route, state -> new ArmResponse(200, route.secret().fakeBody, Map.of()))
                    : methodNotAllowed(method);
        };
    }

    private ArmResponse site(ArmRoute route, String method, String body) {
        return switch (method) {
            case "GET" -> existing(route, state -> ArmResponse.ok(state.siteResource()));
            case "PATCH" -> withBody(body, patch -> existing(route, state -> {
                state.writeSite(patch, false);
                return ArmResponse.ok(state.siteResource());
            }));
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
        SiteState state = sites.computeIfAbsent(handle.key(), key -> new SiteState(handle,
                parent == null ? "functionapp" : parent.kind, Json.object(), Json.object(), Json.object()));
        state.writeSite(replacement, true);
        return ArmResponse.ok(state.siteResource());
    }

    private ArmResponse webConfig(ArmRoute route, String method, String body) {
        return switch (method) {
            case "GET" -> existing(route, state -> ArmResponse.ok(state.webConfigResource()));
            case "PUT", "PATCH" -> withBody(body, config -> existing(route, state -> {
                ObjectNode properties = config.get("properties") instanceof ObjectNode p ? p : Json.object();
                state.writeWebConfig(properties, method.equals("PUT"));
                return ArmResponse.ok(state.webConfigResource());
            }));
            default -> methodNotAllowed(method);
        };
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

    /** One page of sites (never slots), sorted by id, continued through {@code nextLink} as ARM does. */
    private ArmResponse listSites(ArmRoute route, Map<String, String> query) {
        int skip;
        try {
            skip = Integer.parseInt(query.getOrDefault("$skipToken", "0"));
        } catch (NumberFormatException e) {
            return ArmResponse.error(400, "InvalidSkipToken", "The skip token is invalid.");
        }
        List<SiteState> all = sites.values().stream()
                .filter(s -> !s.handle.isSlot())
                .filter(s -> s.handle.subscriptionId().equalsIgnoreCase(route.subscriptionId()))
                .filter(s -> route.resourceGroup() == null
                        || s.handle.resourceGroup().equalsIgnoreCase(route.resourceGroup()))
                .sorted(Comparator.comparing(s -> s.handle.key()))
                .toList();
        ObjectNode page = Json.object();
        ArrayNode value = page.putArray("value");
        all.stream().skip(skip).limit(pageSize).forEach(s -> value.add(s.siteResource()));
        if (skip + pageSize < all.size()) {
            // The SDK follows nextLink verbatim, so it must carry the api-version.
            page.put("nextLink", armEndpoint + route.resourceId().substring(1) + "?api-version="
                    + URLEncoder.encode(query.get("api-version"), StandardCharsets.UTF_8)
                    + "&$skipToken=" + (skip + pageSize));
        }
        return ArmResponse.ok(page);
    }

    private ObjectNode listSlots(SiteHandle site) {
        String prefix = site.key() + "/slots/";
        ObjectNode list = Json.object();
        ArrayNode value = list.putArray("value");
        sites.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> value.add(e.getValue().siteResource()));
        return list;
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
