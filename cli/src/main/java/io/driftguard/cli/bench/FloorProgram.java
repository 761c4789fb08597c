package io.driftguard.cli.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The floor {@code bench start} compares a cold {@code handle} with: the least any JVM program must do to fix one
 * drifted app. Plain JDK only ({@code java.net.http}, no Azure SDK, no Jackson): one managed-identity token from
 * {@code IDENTITY_ENDPOINT}, one GET of the site and one PATCH of its {@code config/web} at
 * {@code DRIFTGUARD_ARM_ENDPOINT}, over HTTPS trusted through the JVM truststore as {@code handle} is.
 *
 * <p>{@code java -cp ... io.driftguard.cli.bench.FloorProgram SITE_ID}; exit 0 when both answers are 200.
 * {@code bench warm} keeps one instance warm beside the engine, to tell the sandbox's and the JDK client's share of
 * each ARM request from driftguard's.
 */
public final class FloorProgram {

  private static final String API_VERSION = "2025-03-01";
  private static final String ARM_AUDIENCE = "https://management.azure.com/";
  private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

  private final HttpClient http;
  private final URI arm;
  private final String bearer;

  /** A warm floor, for {@code bench warm}: the token fetched once, as the engine caches it too. */
  public FloorProgram(HttpClient http, URI arm, URI identityEndpoint, String identityHeader) throws Exception {
    this.http = http;
    this.arm = arm;
    HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(identityEndpoint
            + "?api-version=2019-08-01&resource=" + URLEncoder.encode(ARM_AUDIENCE, StandardCharsets.UTF_8)))
        .header("X-IDENTITY-HEADER", identityHeader).GET().build(), HttpResponse.BodyHandlers.ofString());
    Matcher accessToken = ACCESS_TOKEN.matcher(token.body());
    if (token.statusCode() != 200 || !accessToken.find()) {
      throw new IllegalStateException("no token: HTTP " + token.statusCode());
    }
    this.bearer = "Bearer " + accessToken.group(1);
  }

  /** The {@code Authorization} header it sends. */
  public String authorization() {
    return bearer;
  }

  public static void main(String[] args) throws Exception {
    FloorProgram floor = new FloorProgram(HttpClient.newHttpClient(), URI.create(System.getenv("DRIFTGUARD_ARM_ENDPOINT")),
        URI.create(System.getenv("IDENTITY_ENDPOINT")), System.getenv("IDENTITY_HEADER"));
    System.exit(floor.fix(args[0]) ? 0 : 1);
  }

  /** One GET of the site, one PATCH of its {@code config/web}: true when both answer 200. */
  public boolean fix(String siteId) throws Exception {
    HttpResponse<String> site = http.send(HttpRequest.newBuilder(arm.resolve(siteId.substring(1) + "?api-version="
        + API_VERSION)).header("Authorization", bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> patch = http.send(HttpRequest.newBuilder(arm.resolve(siteId.substring(1)
            + "/config/web?api-version=" + API_VERSION)).header("Authorization", bearer)
        .header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"properties\":{\"minTlsVersion\":\"1.2\"}}")).build(),
        HttpResponse.BodyHandlers.ofString());
    return site.statusCode() == 200 && patch.statusCode() == 200;
  }
}
