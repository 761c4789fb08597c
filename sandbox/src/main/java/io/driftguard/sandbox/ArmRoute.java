package io.driftguard.sandbox;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an ARM path points at. Segments are matched case-insensitively, as ARM does ({@code resourcegroups},
 * {@code microsoft.web}); names keep the caller's casing.
 *
 * @param resourceId the path without a trailing slash: the {@code scope}, {@code subject} and {@code resourceUri} of events
 * @param subscriptionId from a path under {@code /subscriptions/{id}}, even an unknown one (for throttling); else null
 * @param site       the addressed site or slot; null for subscription and resource group lists
 * @param child      {@code ftp}/{@code scm} for {@link Target#PUBLISHING_POLICY}, the table's path (e.g. {@code config/web})
 *                   for {@link Target#DOCUMENT}, followed by {@code /{name}} for a member of a collection, else null
 * @param secret     the endpoint for {@link Target#SECRET}, else null
 */
record ArmRoute(
    Target target,
    String resourceId,
    String subscriptionId,
    String resourceGroup,
    SiteHandle site,
    String child,
    Secret secret) {

  enum Target {
    SUBSCRIPTION_SITES,
    GROUP_SITES,
    SITE,
    SLOTS,
    /** A document served from {@link SiteDocuments}' table. */
    DOCUMENT,
    PUBLISHING_POLICIES,
    PUBLISHING_POLICY,
    /** The Tags API's extension resource of a site or slot: {@code providers/Microsoft.Resources/tags/default}. */
    TAGS,
    SECRET,
    UNKNOWN
  }

  /** Endpoints that reveal secrets. Routed so that a test can catch the bot calling them. */
  enum Secret {
    AUTH_SETTINGS_WITH_SECRETS("config/authsettingsv2/list", "/config/list/action",
        "{\"name\":\"authsettingsV2\",\"properties\":{\"identityProviders\":{\"azureActiveDirectory\":"
            + "{\"registration\":{\"clientSecretSettingName\":\"fake-client-secret-from-driftguard-sandbox\"}}}}}"),
    APP_SETTINGS("config/appsettings/list", "/config/list/action",
        "{\"name\":\"appsettings\",\"properties\":{\"SANDBOX_FAKE_SECRET\":\"fake-secret-from-driftguard-sandbox\"}}"),
    CONNECTION_STRINGS("config/connectionstrings/list", "/config/list/action",
        "{\"name\":\"connectionstrings\",\"properties\":{\"SandboxFake\":{\"value\":\"fake-connection-string\",\"type\":\"Custom\"}}}"),
    PUBLISHING_CREDENTIALS("config/publishingcredentials/list", "/config/list/action",
        "{\"name\":\"publishingcredentials\",\"properties\":{\"publishingUserName\":\"$fake\",\"publishingPassword\":\"fake-password-from-driftguard-sandbox\"}}"),
    PUBLISH_XML("publishxml", "/publishxml/action",
        "{\"publishData\":\"fake publishing profile from driftguard sandbox\"}"),
    HOST_KEYS("host/default/listkeys", "/host/listkeys/action",
        "{\"masterKey\":\"fake-master-key\",\"functionKeys\":{\"default\":\"fake-function-key\"},\"systemKeys\":{}}"),
    FUNCTION_KEYS("functions/[^/]+/listkeys", "/functions/listkeys/action",
        "{\"default\":\"fake-function-key\"}");

    private final Pattern path;
    final String actionSuffix;
    final String fakeBody;

    Secret(String path, String actionSuffix, String fakeBody) {
      this.path = Pattern.compile(path);
      this.actionSuffix = actionSuffix;
      this.fakeBody = fakeBody;
    }
  }

  private static final Pattern POLICY = Pattern.compile("basicpublishingcredentialspolicies/(ftp|scm)");

  static ArmRoute parse(String path) {
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    String[] s = trimmed.startsWith("/") ? trimmed.substring(1).split("/", -1) : trimmed.split("/", -1);
    if (s.length < 2 || !is(s[0], "subscriptions") || s[1].isEmpty()) {
      return unknown(trimmed, null);
    }
    String sub = s[1];
    if (s.length == 5 && is(s[2], "providers") && is(s[3], "microsoft.web") && is(s[4], "sites")) {
      return new ArmRoute(Target.SUBSCRIPTION_SITES, trimmed, sub, null, null, null, null);
    }
    if (s.length < 7 || !is(s[2], "resourcegroups") || !is(s[4], "providers")
        || !is(s[5], "microsoft.web") || !is(s[6], "sites")) {
      return unknown(trimmed, sub);
    }
    String group = s[3];
    if (s.length == 7) {
      return new ArmRoute(Target.GROUP_SITES, trimmed, sub, group, null, null, null);
    }
    boolean slot = s.length >= 10 && is(s[8], "slots");
    SiteHandle site = new SiteHandle(sub, group, s[7], slot ? s[9] : null);
    String rest = String.join("/", Arrays.copyOfRange(s, slot ? 10 : 8, s.length)).toLowerCase(Locale.ROOT);
    return child(trimmed, site, rest);
  }

  private static ArmRoute child(String id, SiteHandle site, String rest) {
    Target target = switch (rest) {
      case "" -> Target.SITE;
      case "slots" -> site.isSlot() ? Target.UNKNOWN : Target.SLOTS;
      case "basicpublishingcredentialspolicies" -> Target.PUBLISHING_POLICIES;
      case "providers/microsoft.resources/tags/default" -> Target.TAGS;
      default -> null;
    };
    if (target != null) {
      return new ArmRoute(target, id, site.subscriptionId(), site.resourceGroup(), site, null, null);
    }
    Optional<SiteDocuments.Kind> document = SiteDocuments.at(rest);
    if (document.isPresent()) {
      return new ArmRoute(Target.DOCUMENT, id, site.subscriptionId(), site.resourceGroup(), site,
          document.get().path(), null);
    }
    Optional<SiteDocuments.Kind> collection = SiteDocuments.collectionOf(rest);
    if (collection.isPresent()) {
      // The member's name as the caller spelt it, as ARM keeps it.
      return new ArmRoute(Target.DOCUMENT, id, site.subscriptionId(), site.resourceGroup(), site,
          collection.get().path() + id.substring(id.lastIndexOf('/')), null);
    }
    Matcher policy = POLICY.matcher(rest);
    if (policy.matches()) {
      return new ArmRoute(Target.PUBLISHING_POLICY, id, site.subscriptionId(), site.resourceGroup(), site,
          policy.group(1), null);
    }
    for (Secret secret : Secret.values()) {
      if (secret.path.matcher(rest).matches()) {
        return new ArmRoute(Target.SECRET, id, site.subscriptionId(), site.resourceGroup(), site, null, secret);
      }
    }
    return unknown(id, site.subscriptionId());
  }

  private static ArmRoute unknown(String id, String subscriptionId) {
    return new ArmRoute(Target.UNKNOWN, id, subscriptionId, null, null, null, null);
  }

  private static boolean is(String segment, String expected) {
    return segment.equalsIgnoreCase(expected);
  }

  /** The RBAC action a request on this route needs, e.g. {@code Microsoft.Web/sites/slots/config/write}. */
  String action(String method) {
    if (target == Target.SECRET) {
      return siteType() + secret.actionSuffix;
    }
    String verb = switch (method) {
      case "GET", "HEAD" -> "read";
      case "DELETE" -> "delete";
      default -> "write";
    };
    return resourceType() + "/" + verb;
  }

  /** The ARM resource type written or read, e.g. {@code Microsoft.Web/sites/config}. */
  String resourceType() {
    return switch (target) {
      case DOCUMENT -> siteType() + "/" + document().type();
      case PUBLISHING_POLICIES, PUBLISHING_POLICY -> siteType() + "/basicPublishingCredentialsPolicies";
      case SLOTS -> "Microsoft.Web/sites/slots";
      case TAGS -> "Microsoft.Resources/tags";
      default -> siteType();
    };
  }

  /** The table's row for a {@link Target#DOCUMENT} route: the document, or the collection of the member. */
  SiteDocuments.Kind document() {
    String path = child.toLowerCase(Locale.ROOT);
    return SiteDocuments.at(path).or(() -> SiteDocuments.collectionOf(path)).orElseThrow();
  }

  /** The member's name, for a {@link Target#DOCUMENT} route to a member of a collection. */
  Optional<String> member() {
    String path = document().path();
    return child.length() > path.length() ? Optional.of(child.substring(path.length() + 1)) : Optional.empty();
  }

  /** The provider whose operation a write on this route is, as events name it in {@code data.resourceProvider}. */
  String provider() {
    return resourceType().substring(0, resourceType().indexOf('/'));
  }

  private String siteType() {
    return site != null && site.isSlot() ? "Microsoft.Web/sites/slots" : "Microsoft.Web/sites";
  }
}
