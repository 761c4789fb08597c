package io.driftguard.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client under the ARM pipeline, against a local HTTP server that records what reached it. */
class ArmTransportTest {

  private final List<Map<String, List<String>>> received = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private String url;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", exchange -> {
      received.add(Map.copyOf(exchange.getRequestHeaders()));
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
    return new HttpPipelineBuilder().httpClient(ArmTransport.client(null, Duration.ofSeconds(5)))
        .policies(policies).build();
  }

  @Test
  void answersAreFinishedOnTheClientsSelectorThreadNotHandedToAPool() {
    Set<String> before = jdkClientPoolThreads();
    HttpPipeline pipeline = pipeline();
    for (int i = 0; i < 3; i++) {
      try (HttpResponse response = pipeline.sendSync(new HttpRequest(HttpMethod.GET, url), Context.NONE)) {
        assertEquals("{}", response.getBodyAsBinaryData().toString());
      }
    }
    Set<String> started = jdkClientPoolThreads();
    started.removeAll(before);
    assertEquals(Set.of(), started, "the JDK client handed answers to its default executor's threads");
  }

  @Test
  void armAnswersArriveReadWholeNotAsAStreamEachReadOfWhichRunsOnAnotherThread() {
    try (HttpResponse response = pipeline().sendSync(new HttpRequest(HttpMethod.GET, url),
        new CallBudget(Duration.ofSeconds(5)).context())) {
      assertTrue(response.getBodyAsBinaryData().isReplayable(), "the answer came as a stream");
    }
  }

  /** The threads of the JDK clients' default executors, which the JDK names after the client and a count. */
  private static Set<String> jdkClientPoolThreads() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
        .filter(name -> name.matches("HttpClient-\\d+-Worker-\\d+")).collect(Collectors.toSet());
  }

  @Test
  void aRequestStartedWhereAnAnswerArrivedWaitsForItsRateLimitOffTheSelectorThread() {
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
    assertEquals(2, received.size());
    assertTrue(beforeRanOn.get("page=2").startsWith("boundedElastic"), "page 2 waited on " + beforeRanOn);
  }
}
