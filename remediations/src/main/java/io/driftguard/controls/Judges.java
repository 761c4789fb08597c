package io.driftguard.controls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.documents.Documents;
import java.util.Map;
import java.util.Optional;

/** The judgements that weigh more than one value; single-property controls need none of these. */
final class Judges {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Judges() {}

  /**
   * No {@code *} among {@code cors.allowedOrigins}. The fix writes the list without {@code *} and the unchanged
   * {@code supportCredentials}, so nothing else about CORS changes.
   */
  static final PropertyControl.Judge CORS_NO_WILDCARD = resources -> {
    JsonNode cors = resources.apply(Documents.WEB_CONFIG).path("properties").path("cors");
    JsonNode origins = cors.path("allowedOrigins");
    String observed = Evaluation.describe(origins);
    String desired = "no '*' among the allowed origins";
    boolean wildcard = false;
    ArrayNode kept = JSON.createArrayNode();
    for (JsonNode origin : origins) {
      if (origin.asText().trim().equals("*")) {
        wildcard = true;
      } else {
        kept.add(origin);
      }
    }
    if (!wildcard) {
      return Evaluation.compliant(observed, desired);
    }
    ObjectNode fixed = JSON.createObjectNode();
    fixed.set("allowedOrigins", kept);
    if (cors.has("supportCredentials")) {
      fixed.set("supportCredentials", cors.get("supportCredentials"));
    }
    return Evaluation.drift(observed, desired, Map.of("cors", fixed));
  };

  /**
   * Resource Graph's view of the same list: kept when {@code config/web}'s {@code Cors.AllowedOrigins} is missing or
   * holds a {@code *} anywhere (also in {@code https://*.contoso.com}, which the engine then reads and finds compliant).
   */
  static GraphPredicate corsGraphPredicate() {
    return GraphPredicate.anyOf(GraphPredicate.absent(Documents.WEB_CONFIG, CORS_ORIGINS),
        GraphPredicate.contains(Documents.WEB_CONFIG, CORS_ORIGINS, "*"));
  }

  private static final String CORS_ORIGINS = "cors/allowedOrigins";

  /** Incoming client certificates required: {@code clientCertEnabled} true and {@code clientCertMode} Required. */
  static final PropertyControl.Judge CLIENT_CERT_REQUIRED = resources -> {
    JsonNode site = resources.apply(Documents.SITE).path("properties");
    JsonNode enabled = site.path("clientCertEnabled");
    JsonNode mode = site.path("clientCertMode");
    String observed = "clientCertEnabled " + Evaluation.describe(enabled) + ", clientCertMode " + Evaluation.describe(mode);
    String desired = "clientCertEnabled true, clientCertMode Required";
    return enabled.isBoolean() && enabled.booleanValue() && mode.isTextual() && mode.asText().equalsIgnoreCase("Required")
        ? Evaluation.compliant(observed, desired)
        : Evaluation.drift(observed, desired, Map.of("clientCertEnabled", true, "clientCertMode", "Required"));
  };

  /**
   * Access restricted to listed callers: the main site's default action {@code Deny}, and the SCM site either using
   * the main site's rules or denying by default itself.
   */
  static final PropertyControl.Judge ACCESS_RESTRICTED = resources -> {
    JsonNode config = resources.apply(Documents.WEB_CONFIG).path("properties");
    JsonNode main = config.path("ipSecurityRestrictionsDefaultAction");
    JsonNode useMain = config.path("scmIpSecurityRestrictionsUseMain");
    JsonNode scm = config.path("scmIpSecurityRestrictionsDefaultAction");
    String observed = "default action " + Evaluation.describe(main) + ", scm "
        + (useMain.asBoolean(false) ? "uses the main rules" : "default action " + Evaluation.describe(scm));
    boolean mainDenies = main.asText("").equalsIgnoreCase("Deny");
    boolean scmDenies = useMain.asBoolean(false) || scm.asText("").equalsIgnoreCase("Deny");
    String desired = "default action Deny for the site and its scm site";
    return mainDenies && scmDenies ? Evaluation.compliant(observed, desired) : Evaluation.drift(observed, desired);
  };

  /** A system- or user-assigned identity: {@code identity.type} names one (e.g. {@code SystemAssigned, UserAssigned}). */
  static boolean hasIdentity(JsonNode type) {
    return type.isTextual() && Optional.of(type.asText().toLowerCase(java.util.Locale.ROOT))
        .filter(text -> text.contains("systemassigned") || text.contains("userassigned")).isPresent();
  }
}
