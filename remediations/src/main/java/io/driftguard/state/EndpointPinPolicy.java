package io.driftguard.state;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelinePosition;
import java.net.URI;
import java.net.URL;
import java.util.Locale;
import okhttp3.HttpUrl;

/**
 * Refuses every request whose scheme, host and port differ from one configured endpoint's, whatever asked for it: a
 * {@code nextLink} in a list page, a stored checkpoint, a long-running operation's polling URL. It runs before the
 * retry and the bearer token policies, so a refused request never carries a token.
 *
 * <p>The URL is judged as the HTTP client will send it: {@link #asSent} parses it with OkHttp's own parser, which reads
 * a backslash as a slash where {@link URL} reads it as part of the user info ({@code https://other\@arm/} goes to
 * {@code other}). A URL with user info or a backslash anywhere is refused outright: no two parsers agree on it.
 */
public final class EndpointPinPolicy extends ArmPolicy {

  private final String origin;

  public EndpointPinPolicy(URI endpoint) {
    this.origin = origin(endpoint.getScheme(), endpoint.getHost(), endpoint.getPort());
  }

  @Override
  public HttpPipelinePosition getPipelinePosition() {
    // Per call: before the SDK's retry and credential policies when added to a client builder.
    return HttpPipelinePosition.PER_CALL;
  }

  @Override
  void before(HttpPipelineCallContext context) {
    check(context.getHttpRequest().getUrl().toString());
  }

  /**
   * {@code url} as the HTTP client will send it, when that goes to the configured endpoint; else a refusal that names
   * where it would have gone.
   */
  HttpUrl check(String url) {
    HttpUrl sent = asSent(url);
    String requested = origin(sent.scheme(), sent.host(), sent.port());
    if (!requested.equals(origin)) {
      throw new RefusedRequestException("refused to send a request to " + requested + ": only " + origin
          + " is trusted with driftguard's credentials");
    }
    return sent;
  }

  /**
   * {@code url} parsed as OkHttp (under azure-core's OkHttp client, {@link Transport}) parses the request's URL, or a
   * refusal when it holds what parsers disagree on: user info, a backslash, or nothing OkHttp can parse.
   */
  static HttpUrl asSent(String url) {
    HttpUrl sent = HttpUrl.parse(url);
    if (sent == null) {
      throw new RefusedRequestException("refused to send a request to a URL the HTTP client cannot parse");
    }
    String host = origin(sent.scheme(), sent.host(), sent.port());
    if (url.indexOf('\\') >= 0) {
      throw new RefusedRequestException("refused to send a request to " + host + ": its URL holds a backslash");
    }
    if (!sent.username().isEmpty() || !sent.password().isEmpty()) {
      throw new RefusedRequestException("refused to send a request to " + host + ": its URL holds user info");
    }
    return sent;
  }

  private static String origin(String scheme, String host, int port) {
    String lowerScheme = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
    int effectivePort = port != -1 ? port : lowerScheme.equals("https") ? 443 : lowerScheme.equals("http") ? 80 : -1;
    return lowerScheme + "://" + (host == null ? "" : host.toLowerCase(Locale.ROOT)) + ":" + effectivePort;
  }
}
