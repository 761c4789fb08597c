package io.driftguard.state;

import com.azure.core.http.HttpClient;
import com.azure.core.http.okhttp.OkHttpAsyncHttpClientBuilder;
import java.security.GeneralSecurityException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * The HTTP client under every Azure client driftguard builds: azure-core's OkHttp client, which sends a synchronous
 * call and reads its answer on the calling thread. The JDK client it replaced passes every exchange through its
 * selector thread and back, and spent 1.7 to 1.9 ms of CPU a request in the Functions worker's C1-only JVM where OkHttp
 * spends 0.9 to 1.4 (BENCHMARKS.md, warm levers).
 */
public final class Transport {

  private Transport() {}

  /**
   * Trusting {@code trust}, or the JVM's truststore when null; one attempt waits at most {@code responseTimeout} for
   * its answer, or the SDK's default when null.
   */
  public static HttpClient client(X509TrustManager trust, Duration responseTimeout) {
    // OkHttp resends a request once, on a fresh connection, when its pooled one fails before an answer (the server had
    // closed it). That resend is below the pipeline: one ARM call to the retry policy, the rate limit and the counter.
    // Without it every stale connection would fail an attempt and count towards the circuit breaker.
    // It follows no redirect, though: ARM sends none, and a followed one would go out below the pipeline's endpoint pin
    // and write guard, and could turn a PATCH into a GET whose answer passed for the write's. A 3xx is the caller's.
    OkHttpClient.Builder okHttp = new OkHttpClient.Builder().followRedirects(false).followSslRedirects(false);
    if (trust != null) {
      okHttp.sslSocketFactory(trusting(trust).getSocketFactory(), trust);
    }
    OkHttpAsyncHttpClientBuilder client = new OkHttpAsyncHttpClientBuilder(okHttp.build());
    if (responseTimeout != null) {
      client.responseTimeout(responseTimeout);
    }
    return client.build();
  }

  private static SSLContext trusting(X509TrustManager trust) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trust}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS context for the given trust", e);
    }
  }
}
