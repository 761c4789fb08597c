package io.driftguard.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.state.ArmException;
import io.driftguard.state.ArmGateway;
import io.driftguard.state.CallBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Candidates from Azure Resource Graph: one paged query ({@link ResourceGraphQuery}) across all swept subscriptions,
 * sent through the ARM gateway's pipeline (pinned endpoint, retries, breaker), keeping to Resource Graph's quota.
 */
public final class ResourceGraphCandidates implements CandidateLister {

  /** Resource Graph's largest page. */
  public static final int PAGE_SIZE = 1000;

  private final ArmGateway gateway;
  private final String query;
  private final ResourceGraphQuota quota;
  private final ObjectMapper json = new ObjectMapper();

  public ResourceGraphCandidates(ArmGateway gateway, String query, ResourceGraphQuota quota) {
    this.gateway = gateway;
    this.query = query;
    this.quota = quota;
  }

  @Override
  public CandidatePage page(List<String> subscriptions, Optional<String> skipToken, CallBudget budget) {
    ObjectNode request = json.createObjectNode();
    subscriptions.forEach(request.putArray("subscriptions")::add);
    request.put("query", query);
    ObjectNode options = request.putObject("options").put("$top", PAGE_SIZE).put("resultFormat", "objectArray");
    skipToken.ifPresent(token -> options.put("$skipToken", token));
    quota.awaitQuota();
    ArmGateway.GraphAnswer answer = gateway.queryResourceGraph(request, budget);
    quota.observe(answer.headers());
    JsonNode data = answer.body().path("data");
    if (!data.isArray()) {
      throw new ArmException(200, "UnexpectedAnswer", "the Resource Graph query: the answer has no data rows", null);
    }
    List<JsonNode> rows = new ArrayList<>();
    data.forEach(rows::add);
    Optional<String> next = Optional.ofNullable(answer.body().get("$skipToken")).map(JsonNode::asText);
    if (next.isPresent() && !ArmGateway.isValidSkipToken(next.get())) {
      throw new ArmException(ArmGateway.REFUSED, "RequestRefused",
          "the Resource Graph query: the skip token is not one Resource Graph could have issued", null);
    }
    return new CandidatePage(rows, next);
  }
}
