package io.driftguard.state;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The HTTP client under the ARM pipeline: azure-core's JDK client (HTTP/1.1), finishing each exchange on its selector
 * thread. Its default executor hands every answer to a pool thread before the waiting caller wakes: one thread
 * hand-off more per request, each a wake-up on a machine whose threads idle while ARM answers. Nothing blocks in those
 * callbacks: the engine calls the pipeline synchronously, list pages only deserialize there, and {@link ArmPolicy}
 * waits for rate limits off that thread.
 */
final class ArmTransport {

  private ArmTransport() {}

  /** Trusting {@code trust}, or the JVM's truststore when null; one attempt waits at most {@code tryTimeout}. */
  static HttpClient client(SSLContext trust, Duration tryTimeout) {
    java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder()
        .executor(Runnable::run);
    if (trust != null) {
      jdk.sslContext(trust);
    }
    return new JdkHttpClientBuilder(jdk).responseTimeout(tryTimeout).build();
  }
}
