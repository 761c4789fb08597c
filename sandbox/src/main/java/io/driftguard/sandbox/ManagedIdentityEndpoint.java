package io.driftguard.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The App Service managed identity endpoint ({@code IDENTITY_ENDPOINT}): {@code GET /msi/token?api-version=2019-08-01
 * &resource=...} with header {@code X-IDENTITY-HEADER}, exactly what azure-identity (through MSAL4J) sends. Issues
 * JWT-shaped tokens for the bot's identity and remembers them so that the fake ARM can check bearer tokens.
 */
final class ManagedIdentityEndpoint implements HttpHandler {
  static final String PATH = "/msi/token";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final String tenantId;
  private final Caller identity;
  private final String identityHeader;
  private final Map<String, IssuedToken> issued = new ConcurrentHashMap<>();
  private final RequestLog requests = new RequestLog();

  ManagedIdentityEndpoint(String tenantId, Caller identity, String identityHeader) {
    this.tenantId = tenantId;
    this.identity = identity;
    this.identityHeader = identityHeader != null ? identityHeader : randomSecret();
  }

  String identityHeader() {
    return identityHeader;
  }

  Optional<IssuedToken> find(String accessToken) {
    return Optional.ofNullable(issued.get(accessToken));
  }

  List<RecordedRequest> requests() {
    return requests.snapshot();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Instant at = Instant.now();
      String rawQuery = exchange.getRequestURI().getRawQuery();
      Map<String, String> query = Http.queryParameters(rawQuery);
      String resource = query.get("resource");
      int status;
      String body;
      if (!exchange.getRequestURI().getPath().equals(PATH)) {
        status = 404;
        body = error(status, "No such endpoint; the token endpoint is " + PATH + ".");
      } else if (!exchange.getRequestMethod().equals("GET")) {
        status = 405;
        body = error(status, "Only GET is supported.");
      } else if (!identityHeader.equals(exchange.getRequestHeaders().getFirst("X-IDENTITY-HEADER"))) {
        status = 401;
        body = error(status, "The X-IDENTITY-HEADER header is missing or wrong.");
      } else if (!query.containsKey("api-version") || resource == null || resource.isBlank()) {
        status = 400;
        body = error(status, "The query parameters api-version and resource are required.");
      } else {
        status = 200;
        body = Json.write(issue(resource));
      }
      requests.add(new RecordedRequest(at, exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          rawQuery == null ? "" : rawQuery, "", status, null));
      Http.send(exchange, status, Map.of(), body);
    }
  }

  private ObjectNode issue(String resource) {
    Instant now = Instant.now();
    IssuedToken token = new IssuedToken(identity, resource, now, now.plusSeconds(3600));
    String accessToken = jwt(token);
    issued.put(accessToken, token);

    ObjectNode response = Json.object();
    response.put("access_token", accessToken);
    response.put("expires_on", Long.toString(token.expiresAt().getEpochSecond()));
    response.put("resource", resource);
    response.put("token_type", "Bearer");
    response.put("client_id", identity.appId());
    return response;
  }

  /** Shaped like an Entra ID app token (so that clients can peek at claims); the signature is random bytes. */
  private String jwt(IssuedToken token) {
    ObjectNode header = Json.object().put("alg", "RS256").put("typ", "JWT");
    String issuer = "https://sts.windows.net/" + tenantId + "/";
    ObjectNode payload = Json.object()
        .put("aud", token.audience())
        .put("iss", issuer)
        .put("iat", token.issuedAt().getEpochSecond())
        .put("nbf", token.issuedAt().getEpochSecond())
        .put("exp", token.expiresAt().getEpochSecond())
        .put("appid", identity.appId())
        .put("appidacr", "2")
        .put("idp", issuer)
        .put("idtyp", "app")
        .put("oid", identity.objectId())
        .put("sub", identity.objectId())
        .put("tid", tenantId)
        .put("uti", UUID.randomUUID().toString())
        .put("ver", "1.0");
    byte[] signature = new byte[256];
    RANDOM.nextBytes(signature);
    return base64url(Json.write(header)) + "." + base64url(Json.write(payload)) + "." + BASE64URL.encodeToString(signature);
  }

  /** The error shape of the App Service identity endpoint, which MSAL reads {@code message} from. */
  private static String error(int status, String message) {
    return Json.write(Json.object()
        .put("statusCode", status)
        .put("message", message)
        .put("correlationId", UUID.randomUUID().toString()));
  }

  private static String base64url(String text) {
    return BASE64URL.encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String randomSecret() {
    byte[] secret = new byte[24];
    RANDOM.nextBytes(secret);
    return BASE64URL.encodeToString(secret);
  }
}
