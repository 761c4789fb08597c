package io.driftguard.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import com.sun.net.httpserver.HttpServer;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.time.Ticker;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client under every Azure client, against local servers. */
class TransportTest {

  private final List<String> received = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private String url;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", exchange -> {
      received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
      if (exchange.getRequestURI().getPath().equals("/drop")) {
        exchange.close(); // no answer: the connection is closed
        return;
      }
      byte[] body = "{}".getBytes();
      exchange.sendResponseHeaders(200, body.length);
      try (var out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    url = "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/site";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static HttpPipeline pipeline(ArmPolicy... policies) {
    return pipeline(null, policies);
  }

  private static HttpPipeline pipeline(X509TrustManager trust, ArmPolicy... policies) {
    return new HttpPipelineBuilder().httpClient(Transport.client(trust, Duration.ofSeconds(5)))
        .policies(policies).build();
  }

  @Test
  void anExchangeRunsOnTheCallingThreadHandshakeIncluded() {
    Map<String, String> checkedOn = new ConcurrentHashMap<>();
    try (Sandbox sandbox = Sandbox.start()) {
      X509TrustManager trust = sandbox.trustManager();
      X509TrustManager recording = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
          trust.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
          checkedOn.put("server", Thread.currentThread().getName());
          trust.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return trust.getAcceptedIssuers();
        }
      };
      try (HttpResponse response = pipeline(recording).sendSync(new HttpRequest(HttpMethod.GET,
          sandbox.armEndpoint() + "subscriptions?api-version=2022-12-01"), Context.NONE)) {
        assertEquals(401, response.getStatusCode(), "the sandbox answers a request without a token");
      }
    }
    assertEquals(Thread.currentThread().getName(), checkedOn.get("server"), "the TLS handshake ran elsewhere");
  }

  @Test
  void aRequestWhosePooledConnectionFailsIsSentOnceMoreOnAFreshOneBelowThePipeline() {
    HttpPipeline pipeline = pipeline();
    try (HttpResponse pooled = pipeline.sendSync(new HttpRequest(HttpMethod.GET, url), Context.NONE)) {
      assertEquals(200, pooled.getStatusCode());
    }
    String dropped = url.replace("/site", "/drop");
    assertThrows(RuntimeException.class,
        () -> pipeline.sendSync(new HttpRequest(HttpMethod.PATCH, dropped).setBody("{}"), Context.NONE).close());
    assertEquals(3, received.size(), "requests that reached the server, one pooled, the dropped one twice: " + received);
  }

  @Test
  void armAnswersArriveReadWholeNotAsAStream() {
    try (HttpResponse response = pipeline().sendSync(new HttpRequest(HttpMethod.GET, url),
        new CallBudget(Duration.ofSeconds(5), Ticker.SYSTEM).context())) {
      assertTrue(response.getBodyAsBinaryData().isReplayable(), "the answer came as a stream");
    }
  }

  @Test
  void aRequestStartedWhereAnAnswerArrivedWaitsForItsRateLimitOffTheHttpClientsThread() {
    Map<String, String> beforeRanOn = new ConcurrentHashMap<>();
    ArmPolicy recordsItsThread = new ArmPolicy() {
      @Override
      void before(HttpPipelineCallContext context) {
        beforeRanOn.put(context.getHttpRequest().getUrl().getQuery(), Thread.currentThread().getName());
      }
    };
    HttpPipeline pipeline = pipeline(recordsItsThread);
    // As a list's next page is fetched: subscribed on the thread that delivered the previous answer.
    pipeline.send(new HttpRequest(HttpMethod.GET, url + "?page=1"))
        .flatMap(first -> {
          first.close();
          return pipeline.send(new HttpRequest(HttpMethod.GET, url + "?page=2"));
        })
        .doOnNext(HttpResponse::close)
        .block(Duration.ofSeconds(10));
    assertEquals(2, received.size(), received.toString());
    assertTrue(beforeRanOn.get("page=2").startsWith("boundedElastic"), "page 2 waited on " + beforeRanOn);
  }
}
