package io.driftguard.config;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * The object id of driftguard's own identity, so its own writes are recognised in events. Taken from
 * {@code DRIFTGUARD_SELF_OBJECT_ID}, or else from the {@code oid} claim of the bot's ARM token, fetched once.
 * The token itself is neither logged nor kept.
 */
final class SelfIdentity implements Supplier<String> {

  private final TokenCredential credential;
  private final String scope;
  private volatile String objectId;

  private SelfIdentity(TokenCredential credential, String scope, String objectId) {
    this.credential = credential;
    this.scope = scope;
    this.objectId = objectId;
  }

  static Supplier<String> fixed(String objectId) {
    return new SelfIdentity(null, null, objectId);
  }

  static Supplier<String> fromToken(TokenCredential credential, String scope) {
    return new SelfIdentity(credential, scope, null);
  }

  @Override
  public String get() {
    String known = objectId;
    if (known == null) {
      synchronized (this) {
        if (objectId == null) {
          objectId = objectIdOf(credential.getTokenSync(new TokenRequestContext().addScopes(scope)).getToken());
        }
        known = objectId;
      }
    }
    return known;
  }

  static String objectIdOf(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length < 2) {
      throw new IllegalStateException("the ARM access token is not a JWT; set " + Settings.SELF_OBJECT_ID);
    }
    try {
      JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
      String oid = claims.path("oid").asText("");
      if (oid.isEmpty()) {
        throw new IllegalStateException("the ARM access token has no oid claim; set " + Settings.SELF_OBJECT_ID);
      }
      return oid;
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException("the ARM access token cannot be decoded; set " + Settings.SELF_OBJECT_ID, e);
    }
  }
}
