package io.driftguard.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One site or slot. Only what was seeded or written is stored; defaults and values derived from the name are added
 * when rendering, so a PUT can replace the stored part and the defaults come back as they do in Azure.
 * Not thread-safe: {@link WebResourceProvider} guards it.
 */
final class SiteState {
  private static final ObjectNode SITE_DEFAULTS = Json.resource("site-properties.json");
  /** The document that site writes reach too ({@code siteConfig}) and site reads show in part. */
  static final SiteDocuments.Kind WEB_CONFIG = SiteDocuments.at("config/web").orElseThrow();
  private static final String LOCATION = "East US";

  /** The few config values ARM fills in {@code properties.siteConfig} of a GET site; all others are null there. */
  private static final Set<String> CONFIG_VALUES_SHOWN_ON_SITE = Set.of(
      "numberOfWorkers", "linuxFxVersion", "windowsFxVersion", "acrUseManagedIdentityCreds", "alwaysOn",
      "http20Enabled", "functionAppScaleLimit", "minimumElasticInstanceCount");

  final SiteHandle handle;
  /** How it is hosted, when seeded as a hosting model; null for a site seeded by kind alone. */
  final Hosting hosting;
  /** Properties ARM is made to refuse here besides its hosting model's recorded ones (an unconfirmed behaviour). */
  final Set<String> alsoRefused = new HashSet<>();
  String kind;
  ObjectNode tags;
  private String location = LOCATION;
  private ObjectNode siteProperties;
  /** What was written to each document of the table, by its path: a new site shows the table's defaults. */
  private final Map<String, ObjectNode> documents = new HashMap<>();
  /** The members written to each collection of the table, by its path, then by name in any case: a new site has none. */
  private final Map<String, TreeMap<String, ObjectNode>> members = new HashMap<>();
  /** basicPublishingCredentialsPolicies: ftp and scm, allowed unless changed, as on a new site. */
  private final TreeMap<String, Boolean> basicAuthAllowed = new TreeMap<>();
  private Instant lastModified = Instant.now();

  SiteState(SiteHandle handle, String kind, ObjectNode tags, ObjectNode siteProperties, ObjectNode webConfigProperties) {
    this(handle, null, kind, tags, siteProperties, webConfigProperties);
  }

  SiteState(SiteHandle handle, Hosting hosting, String kind, ObjectNode tags, ObjectNode siteProperties,
            ObjectNode webConfigProperties) {
    this.handle = handle;
    this.hosting = hosting;
    this.kind = kind;
    this.tags = tags;
    this.siteProperties = siteProperties;
    documents.put(WEB_CONFIG.path(), webConfigProperties);
    basicAuthAllowed.put("ftp", true);
    basicAuthAllowed.put("scm", true);
  }

  /** {@code ftp} and {@code scm}. */
  Set<String> publishingPolicies() {
    return basicAuthAllowed.keySet();
  }

  void allowBasicAuth(String policy, boolean allow) {
    basicAuthAllowed.put(policy, allow);
    touch();
  }

  /** Applies a site PUT or PATCH body; a {@code siteConfig} in it goes to config/web, as in ARM. */
  void writeSite(ObjectNode body, boolean replace) {
    if (body.hasNonNull("kind")) {
      kind = body.get("kind").asText();
    }
    if (body.hasNonNull("location")) {
      location = body.get("location").asText();
    }
    if (body.get("tags") instanceof ObjectNode newTags) {
      tags = newTags.deepCopy();
    } else if (replace) {
      tags = Json.object();
    }
    ObjectNode properties = body.get("properties") instanceof ObjectNode p ? p.deepCopy() : Json.object();
    JsonNode siteConfig = properties.remove("siteConfig");
    if (replace) {
      siteProperties = properties;
    } else {
      Json.deepMerge(siteProperties, properties);
    }
    if (siteConfig instanceof ObjectNode config) {
      writeDocument(WEB_CONFIG, config, false);
    }
    touch();
  }

  void writeDocument(SiteDocuments.Kind document, ObjectNode properties, boolean replace) {
    ObjectNode written = documents.get(document.path());
    if (replace || written == null) {
      documents.put(document.path(), properties.deepCopy());
    } else {
      Json.deepMerge(written, properties);
    }
    touch();
  }

  void writeMember(SiteDocuments.Kind collection, String name, ObjectNode properties, boolean replace) {
    TreeMap<String, ObjectNode> written = members.computeIfAbsent(collection.path(),
        path -> new TreeMap<>(String.CASE_INSENSITIVE_ORDER));
    if (replace || !written.containsKey(name)) {
      written.put(name, properties.deepCopy());
    } else {
      Json.deepMerge(written.get(name), properties);
    }
    touch();
  }

  private void touch() {
    lastModified = Instant.now();
  }

  ObjectNode siteResource() {
    String hostName = (handle.isSlot() ? handle.site() + "-" + handle.slot() : handle.site()) + ".azurewebsites.net";
    String scmHostName = hostName.replace(".azurewebsites.net", ".scm.azurewebsites.net");

    ObjectNode properties = SITE_DEFAULTS.deepCopy();
    properties.put("reserved", kind != null && kind.contains("linux"));
    properties.put("serverFarmId", "/subscriptions/" + handle.subscriptionId() + "/resourceGroups/"
        + handle.resourceGroup() + "/providers/Microsoft.Web/serverfarms/ASP-" + handle.resourceGroup());
    Json.deepMerge(properties, siteProperties);
    // Derived from the name: a write cannot change them.
    properties.put("defaultHostName", hostName);
    properties.set("hostNames", Json.MAPPER.createArrayNode().add(hostName));
    // Linux Consumption and Functions on Container Apps have no SCM (Kudu) site.
    boolean scmSite = hosting == null || hosting.hasScmSite();
    ArrayNode enabled = properties.putArray("enabledHostNames").add(hostName);
    ArrayNode sslStates = properties.putArray("hostNameSslStates");
    sslStates.addObject().put("name", hostName).put("sslState", "Disabled").put("hostType", "Standard");
    if (scmSite) {
      enabled.add(scmHostName);
      sslStates.addObject().put("name", scmHostName).put("sslState", "Disabled").put("hostType", "Repository");
    }
    properties.put("repositorySiteName", handle.site());
    properties.put("resourceGroup", handle.resourceGroup());
    properties.put("lastModifiedTimeUtc", lastModified.truncatedTo(ChronoUnit.MILLIS).toString());
    properties.set("siteConfig", siteConfigAsShownOnSite());

    ObjectNode resource = header(handle.id(), handle.isSlot() ? handle.site() + "/" + handle.slot() : handle.site(),
        handle.isSlot() ? "Microsoft.Web/sites/slots" : "Microsoft.Web/sites");
    resource.put("kind", kind);
    resource.put("location", location);
    resource.set("tags", tags.deepCopy());
    resource.set("properties", properties);
    if (hosting != null) {
      hosting.shape(resource, handle);
    }
    return resource;
  }

  /** {@code GET {site}/providers/Microsoft.Resources/tags/default}. */
  ObjectNode tagsResource() {
    ObjectNode resource = header(handle.id() + "/providers/Microsoft.Resources/tags/default", "default",
        "Microsoft.Resources/tags");
    resource.putObject("properties").set("tags", tags.deepCopy());
    return resource;
  }

  ObjectNode documentResource(SiteDocuments.Kind document) {
    ObjectNode resource = header(handle.id() + "/" + document.path(), document.name(), childType(document.type()));
    resource.put("location", location);
    resource.set("properties", effective(document));
    return resource;
  }

  /** {@code GET {site}/{collection}/{name}}: the member as written over the row's defaults, if there is one. */
  Optional<ObjectNode> memberResource(SiteDocuments.Kind collection, String name) {
    Map<String, ObjectNode> written = members.getOrDefault(collection.path(), new TreeMap<>());
    return Optional.ofNullable(written.get(name)).map(properties -> {
      String stored = members.get(collection.path()).ceilingKey(name);
      ObjectNode resource = header(handle.id() + "/" + collection.path() + "/" + stored,
          (handle.isSlot() ? handle.site() + "/" + handle.slot() : handle.site()) + "/" + stored,
          childType(collection.type()));
      ObjectNode effective = collection.defaults().deepCopy();
      Json.deepMerge(effective, properties);
      resource.set("properties", effective);
      return resource;
    });
  }

  /** {@code GET {site}/{collection}}: every member, in one page ({@code nextLink} null, as ARM shows a last page). */
  ObjectNode collectionResource(SiteDocuments.Kind collection) {
    ObjectNode list = Json.object();
    ArrayNode value = list.putArray("value");
    members.getOrDefault(collection.path(), new TreeMap<>()).keySet()
        .forEach(name -> value.add(memberResource(collection, name).orElseThrow()));
    list.putNull("nextLink");
    return list;
  }

  /**
   * The app as Resource Graph indexes it: its tags and the site's properties as ARM returns them ({@code resources}),
   * and its config/web properties in PascalCase at every level ({@code Cors.AllowedOrigins}), as
   * {@code appserviceresources} holds them.
   */
  GraphQuery.Row graphRow() {
    return new GraphQuery.Row(handle.id(), handle.subscriptionId(),
        handle.isSlot() ? "microsoft.web/sites/slots" : "microsoft.web/sites", kind, tags.deepCopy(),
        (ObjectNode) siteResource().get("properties"), (ObjectNode) pascalCase(effective(WEB_CONFIG)));
  }

  private static JsonNode pascalCase(JsonNode node) {
    if (node instanceof ObjectNode object) {
      ObjectNode renamed = Json.object();
      object.fields().forEachRemaining(field -> renamed.set(
          Character.toUpperCase(field.getKey().charAt(0)) + field.getKey().substring(1), pascalCase(field.getValue())));
      return renamed;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode renamed = array.arrayNode();
      array.forEach(item -> renamed.add(pascalCase(item)));
      return renamed;
    }
    return node.deepCopy();
  }

  ObjectNode publishingPolicyResource(String policy) {
    ObjectNode resource = header(handle.publishingPolicyId(policy), policy,
        childType("basicPublishingCredentialsPolicies"));
    resource.putObject("properties").put("allow", basicAuthAllowed.get(policy));
    return resource;
  }

  private ObjectNode effective(SiteDocuments.Kind document) {
    ObjectNode properties = document.defaults().deepCopy();
    ObjectNode written = documents.get(document.path());
    if (written != null) {
      Json.deepMerge(properties, written);
    }
    return properties;
  }

  private ObjectNode siteConfigAsShownOnSite() {
    ObjectNode config = effective(WEB_CONFIG);
    config.fieldNames().forEachRemaining(name -> {
      if (!CONFIG_VALUES_SHOWN_ON_SITE.contains(name)) {
        config.putNull(name);
      }
    });
    return config;
  }

  private String childType(String child) {
    return (handle.isSlot() ? "Microsoft.Web/sites/slots/" : "Microsoft.Web/sites/") + child;
  }

  private static ObjectNode header(String id, String name, String type) {
    ObjectNode resource = Json.object();
    resource.put("id", id);
    resource.put("name", name);
    resource.put("type", type);
    return resource;
  }
}
