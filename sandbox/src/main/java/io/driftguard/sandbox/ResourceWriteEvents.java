package io.driftguard.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Builds the {@code Microsoft.Resources.ResourceWriteSuccess} event (Event Grid schema) that the subscription's
 * system topic sends after ARM accepts a write.
 */
final class ResourceWriteEvents {
  static final String EVENT_TYPE = "Microsoft.Resources.ResourceWriteSuccess";
  private static final String CONTRIBUTOR_ROLE_DEFINITION = "b24988ac6180420ab3c40ab89e7a4c8d";
  private static final String CLAIMS = "http://schemas.microsoft.com/identity/claims/";
  private static final String WS_CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";

  private final String tenantId;

  ResourceWriteEvents(String tenantId) {
    this.tenantId = tenantId;
  }

  /** @param url the full URL of the write, as in {@code data.httpRequest.url} */
  String resourceWriteSuccess(ArmRoute route, IssuedToken token, ArmRequest request, String url) {
    Caller caller = token.caller();
    String action = route.action(request.method());
    String subscriptionScope = "/subscriptions/" + route.subscriptionId();

    ObjectNode data = Json.object();
    ObjectNode authorization = data.putObject("authorization");
    authorization.put("scope", route.resourceId());
    authorization.put("action", action);
    authorization.putObject("evidence")
        .put("role", "Contributor")
        .put("roleAssignmentScope", subscriptionScope)
        .put("roleAssignmentId", UUID.nameUUIDFromBytes(caller.objectId().getBytes(StandardCharsets.UTF_8)).toString().replace("-", ""))
        .put("roleDefinitionId", CONTRIBUTOR_ROLE_DEFINITION)
        .put("principalId", caller.objectId())
        .put("principalType", caller.principalType().name());
    data.set("claims", claims(token));
    // The correlation id is the write's x-ms-correlation-request-id, as in the Activity Log.
    data.put("correlationId", request.correlationId());
    data.putObject("httpRequest")
        .put("clientRequestId", request.clientRequestId())
        .put("clientIpAddress", request.clientIpAddress())
        .put("method", request.method())
        .put("url", url);
    data.put("resourceProvider", route.provider());
    data.put("resourceUri", route.resourceId());
    data.put("operationName", action);
    data.put("status", "Succeeded");
    data.put("subscriptionId", route.subscriptionId());
    data.put("tenantId", tenantId);

    ObjectNode event = Json.object();
    event.put("id", UUID.randomUUID().toString());
    event.put("topic", subscriptionScope);
    event.put("subject", route.resourceId());
    event.put("eventType", EVENT_TYPE);
    event.put("eventTime", Instant.now().toString());
    event.set("data", data);
    event.put("dataVersion", "2");
    event.put("metadataVersion", "1");
    return Json.write(event);
  }

  /** The caller's token claims, flattened to strings with the long WS-Fed names ARM uses. */
  private ObjectNode claims(IssuedToken token) {
    Caller caller = token.caller();
    String issuer = "https://sts.windows.net/" + tenantId + "/";
    ObjectNode claims = Json.object()
        .put("aud", token.audience())
        .put("iss", issuer)
        .put("iat", Long.toString(token.issuedAt().getEpochSecond()))
        .put("nbf", Long.toString(token.issuedAt().getEpochSecond()))
        .put("exp", Long.toString(token.expiresAt().getEpochSecond()))
        .put("appid", caller.appId())
        .put("appidacr", caller.principalType() == Caller.PrincipalType.User ? "0" : "2")
        .put(CLAIMS + "identityprovider", issuer)
        .put(CLAIMS + "objectidentifier", caller.objectId())
        .put(WS_CLAIMS + "nameidentifier", caller.objectId())
        .put(CLAIMS + "tenantid", tenantId)
        .put("uti", UUID.randomUUID().toString())
        .put("ver", "1.0");
    // App-only tokens carry no name, upn or ipaddr; user tokens do.
    if (caller.principalType() == Caller.PrincipalType.User) {
      claims.put("name", caller.displayName())
          .put(WS_CLAIMS + "upn", caller.userPrincipalName())
          .put(WS_CLAIMS + "name", caller.userPrincipalName())
          .put("http://schemas.microsoft.com/claims/authnmethodsreferences", "pwd,mfa")
          .put(CLAIMS + "scope", "user_impersonation");
    } else {
      claims.put("idtyp", "app");
    }
    if (caller.ipAddress() != null) {
      claims.put("ipaddr", caller.ipAddress());
    }
    return claims;
  }
}
