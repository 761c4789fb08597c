package io.driftguard.fanout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.resource.ResourceIds;
import io.driftguard.text.Printable;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One queued sweep: {@code {"subscription":"<guid>","run":"<timer run id>"}}. Anyone who can write to the queue can
 * write a message, so a body is read as hostile: a JSON object of at most {@link #MAX_LENGTH} characters with exactly
 * these fields, a subscription GUID that {@code DRIFTGUARD_SUBSCRIPTIONS} lists, and a run id of a few safe characters.
 */
public record SweepMessage(String subscription, String run) {

  static final int MAX_LENGTH = 512;
  private static final Set<String> FIELDS = Set.of("subscription", "run");
  private static final Pattern RUN = Pattern.compile("[A-Za-z0-9-]{1,40}");
  private static final ObjectMapper JSON = new ObjectMapper();

  public String toJson() {
    ObjectNode body = JSON.createObjectNode().put("subscription", subscription).put("run", run);
    return body.toString();
  }

  /** The message a body carries, or {@link RefusedMessageException} saying why it is not one driftguard sends. */
  public static SweepMessage parse(String body, Set<String> subscriptions) throws RefusedMessageException {
    if (body == null || body.length() > MAX_LENGTH) {
      throw new RefusedMessageException("a sweep message is a JSON object of at most " + MAX_LENGTH + " characters");
    }
    JsonNode message;
    try {
      message = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new RefusedMessageException("not JSON: '" + Printable.abbreviate(body) + "'");
    }
    if (message == null || !message.isObject()) {
      throw new RefusedMessageException("not a JSON object: '" + Printable.abbreviate(body) + "'");
    }
    for (Iterator<String> names = message.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new RefusedMessageException("unknown field '" + Printable.abbreviate(name) + "' (known: subscription, run)");
      }
    }
    String subscription = text(message, "subscription");
    if (!ResourceIds.isGuid(subscription)) {
      throw new RefusedMessageException("subscription '" + Printable.abbreviate(subscription) + "' is not a GUID");
    }
    String listed = subscriptions.stream().filter(subscription::equalsIgnoreCase).findFirst()
        .orElseThrow(() -> new RefusedMessageException("subscription " + subscription.toLowerCase(Locale.ROOT)
            + " is not in DRIFTGUARD_SUBSCRIPTIONS"));
    String run = text(message, "run");
    if (!RUN.matcher(run).matches()) {
      throw new RefusedMessageException("run '" + Printable.abbreviate(run) + "' is not a run id");
    }
    return new SweepMessage(listed, run);
  }

  private static String text(JsonNode message, String field) throws RefusedMessageException {
    JsonNode value = message.get(field);
    if (value == null || !value.isTextual()) {
      throw new RefusedMessageException("field '" + field + "' must be a string");
    }
    return value.asText();
  }

  /** A body that is not a sweep message driftguard sent: retrying it cannot help. */
  public static final class RefusedMessageException extends Exception {
    RefusedMessageException(String reason) {
      super(reason);
    }
  }
}
