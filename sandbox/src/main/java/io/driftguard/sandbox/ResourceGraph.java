package io.driftguard.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Azure Resource Graph's query endpoint ({@code POST /providers/Microsoft.ResourceGraph/resources}) over the sandbox's
 * own sites: it answers driftguard's query ({@link GraphQuery}), pages with {@code $skipToken}, keeps a per-user quota
 * with its {@code x-ms-user-quota-*} headers (429 when spent), and can lag behind ARM (serve an older snapshot) or
 * refuse the identity (403). Thread-safe.
 */
public final class ResourceGraph {
  static final String PATH = "/providers/Microsoft.ResourceGraph/resources";
  /** Resource Graph's largest page. */
  private static final int MAX_TOP = 1000;

  private final Supplier<List<GraphQuery.Row>> liveRows;
  private final AtomicInteger throttledCount = new AtomicInteger();
  private final AtomicInteger queries = new AtomicInteger();
  private List<GraphQuery.Row> frozen;
  private boolean forbidden;
  private int pageSize = MAX_TOP;
  private int quotaLimit;
  private Duration quotaWindow = Duration.ZERO;
  private Clock clock = Clock.systemUTC();
  private Instant windowStart = Instant.MIN;
  private int used;

  ResourceGraph(Supplier<List<GraphQuery.Row>> liveRows) {
    this.liveRows = liveRows;
  }

  /** Resource Graph's own limit: {@code limit} queries per {@code window} per user, on {@code clock}'s time. */
  public synchronized void quota(int limit, Duration window, Clock clock) {
    this.quotaLimit = limit;
    this.quotaWindow = window;
    this.clock = clock;
    this.windowStart = Instant.MIN;
    this.used = 0;
    throttledCount.set(0);
  }

  /** Azure's default quota: 15 queries per 5 seconds. */
  public void azureQuota() {
    quota(15, Duration.ofSeconds(5), Clock.systemUTC());
  }

  /** No quota, no quota headers: the default. */
  public synchronized void quotaOff() {
    quotaLimit = 0;
  }

  /** At most this many rows a page, however many the query asks for. */
  public synchronized void pageSize(int rows) {
    pageSize = Math.min(rows, MAX_TOP);
  }

  /** Index lag: from now on, answer from the sites as they are now, whatever ARM later changes, until {@link #catchUp}. */
  public synchronized void freeze() {
    frozen = liveRows.get();
  }

  public synchronized void catchUp() {
    frozen = null;
  }

  /** Answer 403, as for an identity that may not read the subscriptions. */
  public synchronized void forbid(boolean refuse) {
    forbidden = refuse;
  }

  /** Back to the defaults: live index, no quota, full pages, allowed. */
  public synchronized void reset() {
    frozen = null;
    forbidden = false;
    pageSize = MAX_TOP;
    quotaLimit = 0;
    throttledCount.set(0);
    queries.set(0);
  }

  /** Queries refused for the quota since it was set. */
  public int throttledCount() {
    return throttledCount.get();
  }

  /** Queries answered (any status) since the last reset. */
  public int queries() {
    return queries.get();
  }

  synchronized ArmResponse answer(String method, String body) {
    queries.incrementAndGet();
    if (!method.equals("POST")) {
      return ArmResponse.error(405, "MethodNotAllowed", "The requested resource does not support http method '"
          + method + "'.");
    }
    if (forbidden) {
      return ArmResponse.error(403, "AuthorizationFailed", "The client does not have authorization to perform "
          + "action 'Microsoft.ResourceGraph/resources/read' over the requested subscriptions.");
    }
    if (quotaLimit > 0) {
      Instant now = clock.instant();
      if (!now.isBefore(windowStart.plus(quotaWindow))) {
        windowStart = now;
        used = 0;
      }
      if (used >= quotaLimit) {
        throttledCount.incrementAndGet();
        return withQuota(ArmResponse.error(429, "RateLimiting", "Please provide below info when asking for "
            + "support: the user quota of Resource Graph queries is spent; retry after it resets."), now);
      }
      used++;
      return withQuota(query(body), now);
    }
    return query(body);
  }

  private ArmResponse query(String body) {
    JsonNode request = Json.parse(body);
    if (!(request instanceof ObjectNode) || !request.path("query").isTextual()
        || !request.path("subscriptions").isArray() || request.path("subscriptions").isEmpty()) {
      return badRequest("The request must name its subscriptions and carry a query.");
    }
    GraphQuery query;
    try {
      query = GraphQuery.parse(request.get("query").asText());
    } catch (IllegalArgumentException e) {
      return badRequest(e.getMessage());
    }
    Set<String> subscriptions = new HashSet<>();
    request.get("subscriptions").forEach(id -> subscriptions.add(id.asText().toLowerCase(Locale.ROOT)));
    JsonNode options = request.path("options");
    int top = Math.min(options.path("$top").asInt(100), pageSize);
    String after = "";
    if (options.hasNonNull("$skipToken")) {
      try {
        after = new String(Base64.getUrlDecoder().decode(options.get("$skipToken").asText()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return badRequest("The skip token is invalid.");
      }
    }
    List<GraphQuery.Row> kept = new ArrayList<>();
    for (GraphQuery.Row row : frozen != null ? frozen : liveRows.get()) {
      if (subscriptions.contains(row.subscriptionId().toLowerCase(Locale.ROOT)) && query.keeps(row)) {
        kept.add(row);
      }
    }
    kept.sort(Comparator.comparing(row -> row.id().toLowerCase(Locale.ROOT)));
    String from = after;
    List<GraphQuery.Row> rest = kept.stream().filter(row -> row.id().toLowerCase(Locale.ROOT).compareTo(from) > 0).toList();
    ObjectNode page = Json.object();
    page.put("totalRecords", kept.size());
    ArrayNode data = page.putArray("data");
    rest.stream().limit(top).forEach(row -> {
      ObjectNode item = data.addObject().put("id", row.id()).put("subscriptionId", row.subscriptionId());
      if (query.flagsAll()) {
        item.put("suspect", query.suspect(row));
      }
    });
    page.put("count", data.size());
    page.put("resultTruncated", "false");
    page.putArray("facets");
    if (rest.size() > top) {
      page.put("$skipToken", Base64.getUrlEncoder().withoutPadding().encodeToString(
          rest.get(top - 1).id().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
    }
    return ArmResponse.ok(page);
  }

  private ArmResponse withQuota(ArmResponse response, Instant now) {
    long seconds = Math.max(0, (long) Math.ceil(Duration.between(now, windowStart.plus(quotaWindow)).toMillis() / 1000.0));
    return response.withHeader("x-ms-user-quota-remaining", Integer.toString(quotaLimit - used))
        .withHeader("x-ms-user-quota-resets-after",
            String.format("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60));
  }

  private static ArmResponse badRequest(String message) {
    return ArmResponse.error(400, "BadRequest", message);
  }
}
