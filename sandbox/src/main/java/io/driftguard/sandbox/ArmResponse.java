package io.driftguard.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/**
 * What the fake ARM, or the fake logs ingestion endpoint (which shares ARM's error shape), answers before HTTP framing.
 * Status 0 means: drop the connection, answer nothing.
 */
record ArmResponse(int status, String body, Map<String, String> headers) {
  static final ArmResponse DROP_CONNECTION = new ArmResponse(0, "", Map.of());
  /** From a fault: handle the request, then answer like {@link #DROP_CONNECTION}. */
  static final ArmResponse LOSE_ANSWER = new ArmResponse(0, "", Map.of());

  static ArmResponse ok(JsonNode body) {
    return new ArmResponse(200, Json.write(body), Map.of());
  }

  /** The ARM (and logs ingestion) error shape: {@code {"error":{"code":...,"message":...}}}. */
  static ArmResponse error(int status, String code, String message) {
    ObjectNode body = Json.object();
    body.putObject("error").put("code", code).put("message", message);
    return new ArmResponse(status, Json.write(body), Map.of());
  }

  /** ARM's answer for a site or slot that does not exist (also for its config and policies). */
  static ArmResponse resourceNotFound(SiteHandle site) {
    String type = site.isSlot()
        ? "Microsoft.Web/sites/" + site.site() + "/slots/" + site.slot()
        : "Microsoft.Web/sites/" + site.site();
    return error(404, "ResourceNotFound", "The Resource '" + type + "' under resource group '"
        + site.resourceGroup() + "' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
  }

  /** ARM's answer over a throttling limit, without its {@code Retry-After} header. */
  static ArmResponse throttled(
      ArmThrottling.Kind kind, String subscriptionId, String objectId, long retryAfterSeconds) {
    return error(429, "SubscriptionRequestsThrottled", "Number of '" + kind.word + "' requests for subscription '"
        + subscriptionId + "' actor '" + objectId + "' exceeded. Please try again after '" + retryAfterSeconds
        + "' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling");
  }

  ArmResponse withHeader(String name, String value) {
    Map<String, String> more = new HashMap<>(headers);
    more.put(name, value);
    return new ArmResponse(status, body, Map.copyOf(more));
  }

  boolean succeeded() {
    return status >= 200 && status < 300;
  }
}
