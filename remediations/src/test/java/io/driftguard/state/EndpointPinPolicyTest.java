package io.driftguard.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.AccessToken;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.Context;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The pipeline guards ahead of the bearer token policy. The HTTP client here only records what would have left
 * (no network exists for a refused request to reach); the integration tests show the same against the sandbox.
 */
class EndpointPinPolicyTest {

  private static final String ARM = "https://management.azure.com/";
  private static final String SITE = ARM + "subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app";

  private final List<HttpRequest> sent = new CopyOnWriteArrayList<>();

  private HttpPipeline pipeline(HttpPipelinePolicy... guards) {
    List<HttpPipelinePolicy> policies = new ArrayList<>(List.of(guards));
    policies.add(new BearerTokenAuthenticationPolicy(
        scopes -> Mono.just(new AccessToken("secret-token", OffsetDateTime.now().plusHours(1))), ARM + ".default"));
    return new HttpPipelineBuilder().policies(policies.toArray(HttpPipelinePolicy[]::new)).httpClient(request -> {
      sent.add(request);
      return Mono.error(new ReachedTheWire());
    }).build();
  }

  /** The request passed every policy and was handed to the HTTP client. */
  private static final class ReachedTheWire extends RuntimeException {}

  /** Sends a request; returns normally when it reached the HTTP client, throws when a policy refused it. */
  private void send(HttpPipeline pipeline, HttpMethod method, String url) {
    try {
      pipeline.sendSync(new HttpRequest(method, url), Context.NONE).close();
    } catch (ReachedTheWire expected) {
      // It left.
    }
  }

  @Test
  void requestsToTheEndpointPassWithTheirToken() {
    HttpPipeline pinned = pipeline(new EndpointPinPolicy(URI.create(ARM)));
    send(pinned, HttpMethod.GET, SITE + "?api-version=1");
    send(pinned, HttpMethod.GET, "https://MANAGEMENT.azure.com:443/subscriptions/s/providers/Microsoft.Web/sites");
    assertEquals(2, sent.size());
    assertTrue(sent.get(0).getHeaders().getValue("Authorization").startsWith("Bearer "));
  }

  @Test
  void anotherHostPortOrSchemeIsRefusedBeforeTheTokenIsAttached() {
    HttpPipeline pinned = pipeline(new EndpointPinPolicy(URI.create(ARM)));
    for (String elsewhere : List.of("https://attacker.example/steal", "https://management.azure.com:8443/x",
        "http://management.azure.com/x", "https://management.azure.com.attacker.example/x")) {
      RefusedRequestException refused = assertThrows(RefusedRequestException.class,
          () -> send(pinned, HttpMethod.GET, elsewhere), elsewhere);
      assertTrue(refused.getMessage().contains(URI.create(elsewhere).getHost().toLowerCase()), refused.getMessage());
      assertFalse(refused.getMessage().contains("secret-token"));
    }
    assertEquals(List.of(), sent, "nothing left");
  }

  /** java.net.URL reads {@code attacker.example\\} as user info; OkHttp reads the backslash as a slash and goes there. */
  @Test
  void aUrlWhoseHostDependsOnTheParserIsRefusedNamingTheHostTheClientWouldReach() {
    HttpPipeline pinned = pipeline(new EndpointPinPolicy(URI.create(ARM)));
    for (String ambiguous : List.of("https://attacker.example\\@management.azure.com/subscriptions/s",
        "https://attacker.example:8443\\@management.azure.com/subscriptions/s")) {
      RefusedRequestException refused = assertThrows(RefusedRequestException.class,
          () -> send(pinned, HttpMethod.GET, ambiguous), ambiguous);
      assertTrue(refused.getMessage().contains("attacker.example"), refused.getMessage());
    }
    for (String withUserInfo : List.of("https://user@management.azure.com/x", "https://u:p@management.azure.com/x")) {
      assertThrows(RefusedRequestException.class, () -> send(pinned, HttpMethod.GET, withUserInfo), withUserInfo);
    }
    assertEquals(List.of(), sent, "nothing left");
  }

  @Test
  void onlyTheCatalogsDocumentsAreWrittenEachWithItsOwnVerb() {
    HttpPipeline guarded = pipeline(new WriteTargetPolicy());
    send(guarded, HttpMethod.PATCH, SITE);
    send(guarded, HttpMethod.PATCH, SITE + "/config/web?api-version=1");
    send(guarded, HttpMethod.PATCH, SITE + "/slots/staging");
    send(guarded, HttpMethod.PATCH, SITE + "/slots/staging/config/web");
    send(guarded, HttpMethod.PUT, SITE + "/basicPublishingCredentialsPolicies/ftp");
    send(guarded, HttpMethod.PUT, SITE + "/slots/staging/basicPublishingCredentialsPolicies/scm");
    send(guarded, HttpMethod.GET, SITE + "/config/appsettings");
    assertEquals(7, sent.size());
    for (String other : List.of(SITE + "/config/appsettings", SITE + "/config/connectionstrings",
        SITE + "/slots/staging/config/appsettings", SITE + "/config/appsettings/list", SITE + "/config/authsettingsV2",
        SITE + "/basicPublishingCredentialsPolicies/other", SITE + "%2Fconfig%2Fappsettings", SITE + "/config/web/x")) {
      assertThrows(RefusedRequestException.class, () -> send(guarded, HttpMethod.PUT, other), other);
      assertThrows(RefusedRequestException.class, () -> send(guarded, HttpMethod.POST, other), other);
      assertThrows(RefusedRequestException.class, () -> send(guarded, HttpMethod.PATCH, other), other);
    }
    for (String whole : List.of(SITE, SITE + "/config/web", SITE + "/slots/staging")) {
      assertThrows(RefusedRequestException.class, () -> send(guarded, HttpMethod.PUT, whole), "a whole PUT of " + whole);
    }
    assertThrows(RefusedRequestException.class,
        () -> send(guarded, HttpMethod.PATCH, SITE + "/basicPublishingCredentialsPolicies/ftp"), "ARM has no PATCH here");
    // OkHttp sends "app\\config\\appsettings" as app/config/appsettings: a site PATCH that is an app settings PATCH.
    assertThrows(RefusedRequestException.class,
        () -> send(guarded, HttpMethod.PATCH, SITE + "\\config\\appsettings"), "a backslashed path");
    assertEquals(7, sent.size(), "no other write left");
  }
}
