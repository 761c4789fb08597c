package io.driftguard.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.state.ArmException;
import io.driftguard.state.ArmGateway;
import io.driftguard.state.CallBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.Optional;

/**
 * Candidates from Azure Resource Graph: one paged query ({@link ResourceGraphQuery}) across all swept subscriptions,
 * sent through the ARM gateway's pipeline (pinned endpoint, retries, breaker), keeping to Resource Graph's quota. The
 * query is built afresh for each run (its first page), as a predicate may depend on the day, and its later pages are
 * asked with the same query their skip token came from.
 */
public final class ResourceGraphCandidates implements CandidateLister {

  /** Resource Graph's largest page. */
  public static final int PAGE_SIZE = 1000;

  private final ArmGateway gateway;
  private final Supplier<ResourceGraphQuery> queries;
  /** The query each outstanding skip token belongs to: one entry per run between two of its pages. */
  private final Map<String, ResourceGraphQuery> queryOfToken = new ConcurrentHashMap<>();
  private final ResourceGraphQuota quota;
  private final ObjectMapper json = new ObjectMapper();

  public ResourceGraphCandidates(ArmGateway gateway, Supplier<ResourceGraphQuery> queries, ResourceGraphQuota quota) {
    this.gateway = gateway;
    this.queries = queries;
    this.quota = quota;
  }

  @Override
  public CandidatePage page(List<String> subscriptions, Optional<String> skipToken, CallBudget budget) {
    ResourceGraphQuery query = skipToken.map(queryOfToken::remove).orElseGet(queries);
    ObjectNode request = json.createObjectNode();
    subscriptions.forEach(request.putArray("subscriptions")::add);
    request.put("query", query.text());
    ObjectNode options = request.putObject("options").put("$top", PAGE_SIZE).put("resultFormat", "objectArray");
    skipToken.ifPresent(token -> options.put("$skipToken", token));
    quota.awaitQuota();
    ArmGateway.GraphAnswer answer = gateway.queryResourceGraph(request, budget);
    quota.observe(answer.headers());
    JsonNode data = answer.body().path("data");
    if (!data.isArray()) {
      throw new ArmException(200, "UnexpectedAnswer", "the Resource Graph query: the answer has no data rows", null);
    }
    List<Candidate> rows = new ArrayList<>();
    // A row without its flag (the query returned only flagged apps) is confirmed at once.
    data.forEach(row -> rows.add(new Candidate(row,
        row.path("suspect").asBoolean(true) ? List.of() : query.readDirectly())));
    Optional<String> next = Optional.ofNullable(answer.body().get("$skipToken")).map(JsonNode::asText);
    if (next.isPresent() && !ArmGateway.isValidSkipToken(next.get())) {
      throw new ArmException(ArmGateway.REFUSED, "RequestRefused",
          "the Resource Graph query: the skip token is not one Resource Graph could have issued", null);
    }
    next.ifPresent(token -> queryOfToken.put(token, query));
    return new CandidatePage(rows, next);
  }
}
