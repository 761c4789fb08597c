package io.driftguard.sandbox;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A host that is not Azure, as an attacker's would be: HTTPS with the sandbox certificate (so a client that trusts the
 * sandbox would talk to it), on its own port. It answers every request with an empty list page and records whether
 * an {@code Authorization} header arrived; the header's value is never kept.
 */
public final class ForeignHost implements AutoCloseable {

  /** One request as received: method, decoded path, and whether it carried credentials. */
  public record Visit(String method, String path, boolean carriedAuthorization) {}

  private final HttpsServer server;
  private final List<Visit> visits = new CopyOnWriteArrayList<>();

  ForeignHost(SandboxTls tls) {
    try {
      server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the foreign host", e);
    }
    server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
    server.createContext("/", Http.answeringBugsWith500(exchange -> {
      visits.add(new Visit(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders().containsKey("Authorization")));
      Http.send(exchange, 200, Map.of(), "{\"value\":[]}");
    }));
    server.start();
  }

  /** {@code https://127.0.0.1:PORT/}: another authority than every sandbox endpoint. */
  public URI endpoint() {
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  public List<Visit> visits() {
    return List.copyOf(visits);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
