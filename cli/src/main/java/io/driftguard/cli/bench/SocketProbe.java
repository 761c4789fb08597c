package io.driftguard.cli.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The least any client can pay the sandbox for one ARM request, for {@code bench warm}: one TLS connection kept open,
 * the request written and the answer read on the calling thread, no HTTP library and no thread hand-off. What it pays
 * beyond what the sandbox held the request is the sandbox's own transport (its HTTP server's threads and TLS, and
 * loopback), which a deployed driftguard pays ARM's front door instead, inside the network latency.
 */
public final class SocketProbe implements AutoCloseable {

  private final SSLSocket socket;
  private final OutputStream out;
  private final InputStream in;
  private final URI arm;
  private final String authorization;

  /** Connected to {@code arm} (an https endpoint), sending {@code authorization} with each request. */
  public SocketProbe(SSLContext trust, URI arm, String authorization) throws IOException {
    this.arm = arm;
    this.authorization = authorization;
    socket = (SSLSocket) trust.getSocketFactory().createSocket(arm.getHost(), arm.getPort());
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream());
  }

  /** GETs {@code path} (with its query); returns the status. The answer's body is read and dropped. */
  public int get(String pathAndQuery) throws IOException {
    out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + arm.getHost() + ":" + arm.getPort()
        + "\r\nAuthorization: " + authorization + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    int status = Integer.parseInt(line().split(" ", 3)[1]);
    long length = 0;
    for (String header = line(); !header.isEmpty(); header = line()) {
      if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Long.parseLong(header.substring("content-length:".length()).trim());
      }
    }
    in.skipNBytes(length);
    return status;
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new EOFException("the sandbox closed the connection");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
