package io.driftguard.sandbox;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * What ManagedIdentityCredential does on App Service, without the environment variables it insists on: tokens from
 * the sandbox's identity endpoint, over HTTP.
 */
final class SandboxCredentials {
  private SandboxCredentials() {}

  /** For the resource of the scope the client asks for, as MSAL turns {@code https://x//.default} into it. */
  static TokenCredential forRequestedScope(Sandbox sandbox) {
    return credential(sandbox, request -> request.getScopes().get(0).replace("/.default", ""));
  }

  /** For {@code resource} whatever the client asks for: a token for the wrong audience. */
  static TokenCredential forResource(Sandbox sandbox, String resource) {
    return credential(sandbox, request -> resource);
  }

  /** The resource of the sandbox's last token request. */
  static String lastRequestedResource(Sandbox sandbox) {
    List<RecordedRequest> requests = sandbox.tokenRequests();
    return Http.queryParameters(requests.get(requests.size() - 1).query()).get("resource");
  }

  private static TokenCredential credential(Sandbox sandbox, Function<TokenRequestContext, String> resource) {
    ArmTestClient tokens = new ArmTestClient(sandbox);
    return request -> Mono.fromCallable(() -> new AccessToken(
        tokens.token(resource.apply(request)), OffsetDateTime.now(ZoneOffset.UTC).plusHours(1)));
  }
}
