package io.driftguard.sandbox;

import java.util.Objects;

/**
 * Who performs a write: a person at the portal or a pipeline's service principal. Becomes the {@code claims} and
 * {@code authorization.evidence} of the emitted event.
 *
 * @param userPrincipalName null for service principals
 * @param ipAddress         null when the token carries no {@code ipaddr} claim (service principals)
 */
public record Caller(
    PrincipalType principalType,
    String objectId,
    String appId,
    String displayName,
    String userPrincipalName,
    String ipAddress) {

  /** The value of {@code data.authorization.evidence.principalType}. */
  public enum PrincipalType {
    User,
    ServicePrincipal
  }

  /** The Azure Portal's application id: what {@code appid} holds for changes made in the portal. */
  private static final String AZURE_PORTAL_APP_ID = "c44b4083-3bb0-49c1-b47d-974e53cbdf3c";

  public Caller {
    Objects.requireNonNull(principalType, "principalType");
    Objects.requireNonNull(objectId, "objectId");
    Objects.requireNonNull(appId, "appId");
  }

  public static Caller user(String userPrincipalName, String displayName, String objectId, String ipAddress) {
    Objects.requireNonNull(userPrincipalName, "userPrincipalName");
    return new Caller(PrincipalType.User, objectId, AZURE_PORTAL_APP_ID, displayName, userPrincipalName, ipAddress);
  }

  public static Caller servicePrincipal(String appId, String objectId, String displayName) {
    return new Caller(PrincipalType.ServicePrincipal, objectId, appId, displayName, null, null);
  }
}
