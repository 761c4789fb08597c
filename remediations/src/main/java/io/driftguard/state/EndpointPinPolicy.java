package io.driftguard.state;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelinePosition;
import java.net.URI;
import java.net.URL;
import java.util.Locale;

/**
 * Refuses every request whose scheme, host and port differ from one configured endpoint's, whatever asked for it: a
 * {@code nextLink} in a list page, a stored checkpoint, a long-running operation's polling URL. It runs before the
 * retry and the bearer token policies, so a refused request never carries a token.
 */
public final class EndpointPinPolicy extends ArmPolicy {

  private final String origin;

  public EndpointPinPolicy(URI endpoint) {
    this.origin = origin(endpoint.getScheme(), endpoint.getHost(), endpoint.getPort());
  }

  /** Whether two URLs have the same scheme, host and port (default ports spelt out or not). */
  static boolean sameOrigin(URI one, URI other) {
    return origin(one.getScheme(), one.getHost(), one.getPort())
        .equals(origin(other.getScheme(), other.getHost(), other.getPort()));
  }

  @Override
  public HttpPipelinePosition getPipelinePosition() {
    // Per call: before the SDK's retry and credential policies when added to a client builder.
    return HttpPipelinePosition.PER_CALL;
  }

  @Override
  void before(HttpPipelineCallContext context) {
    URL url = context.getHttpRequest().getUrl();
    String requested = origin(url.getProtocol(), url.getHost(), url.getPort());
    if (!requested.equals(origin)) {
      throw new RefusedRequestException("refused to send a request to " + requested + ": only " + origin
          + " is trusted with driftguard's credentials");
    }
  }

  private static String origin(String scheme, String host, int port) {
    String lowerScheme = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
    int effectivePort = port != -1 ? port : lowerScheme.equals("https") ? 443 : lowerScheme.equals("http") ? 80 : -1;
    return lowerScheme + "://" + (host == null ? "" : host.toLowerCase(Locale.ROOT)) + ":" + effectivePort;
  }
}
