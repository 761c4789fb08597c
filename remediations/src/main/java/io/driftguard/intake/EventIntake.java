package io.driftguard.intake;

import com.azure.core.models.CloudEvent;
import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.messaging.eventgrid.EventGridEvent;
import com.azure.messaging.eventgrid.systemevents.ResourceAuthorization;
import com.azure.messaging.eventgrid.systemevents.ResourceHttpRequest;
import com.azure.messaging.eventgrid.systemevents.ResourceWriteSuccessEventData;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.driftguard.resource.InvalidResourceIdException;
import io.driftguard.resource.ResourceIds;
import io.driftguard.resource.ResourceTarget;
import io.driftguard.text.Printable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an Event Grid delivery (one event or an array; Event Grid schema or CloudEvents 1.0) into screened events.
 * Everything is checked here, before any network call: the event type, the resource id, the subscription.
 */
// The system event models are deprecated in favour of azure-messaging-eventgrid-systemevents, which the registry here
// does not have; the deprecated classes are the same models.
@SuppressWarnings("deprecation")
public final class EventIntake {

  public static final String WRITE_SUCCESS = "Microsoft.Resources.ResourceWriteSuccess";
  public static final String SUBSCRIPTION_VALIDATION = "Microsoft.EventGrid.SubscriptionValidationEvent";
  /** Event Grid refuses events over 1 MB; anything larger did not come from it. */
  public static final int MAX_DELIVERY_BYTES = 1024 * 1024;

  private static final int MAX_NESTING_DEPTH = 32;
  /**
   * An event's time is shown and recorded, never acted on; Table storage holds dates of these years only, so a time
   * beyond them (the SDK reads {@code +999999999-12-31T23:59:59Z}) is refused at intake, not by every record later.
   */
  private static final int FIRST_RECORDABLE_YEAR = 1601;
  /**
   * Ids, correlation ids and claims Azure sends are GUIDs, names and addresses far shorter than this: a longer one is
   * hostile, and would reach the audit trail and alert rows whole, whose limits would then fail every delivery.
   */
  private static final int MAX_TEXT_LENGTH = 256;
  private static final int LAST_RECORDABLE_YEAR = 9999;
  private static final String OBJECT_ID_CLAIM = "http://schemas.microsoft.com/identity/claims/objectidentifier";
  private static final String UPN_CLAIM = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn";
  /** A subscription's system topic, or a resource group's ({@code /subscriptions/{id}/resourceGroups/{name}}). */
  private static final Pattern SUBSCRIPTION_TOPIC =
      Pattern.compile("/subscriptions/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
          + "(?:/(?i:resourceGroups)/([^/]+))?");

  private final ObjectMapper json;
  /** Stamps an event that carries no time of its own (a CloudEvent's {@code time} is optional). */
  private final Clock clock;

  public EventIntake(Clock clock) {
    this.clock = clock;
    json = JsonMapper.builder().build();
    json.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(MAX_NESTING_DEPTH)
        .maxStringLength(MAX_DELIVERY_BYTES)
        .build());
  }

  public List<Screened> screen(String delivery) throws MalformedDeliveryException {
    if (delivery == null || delivery.isBlank()) {
      throw new MalformedDeliveryException("the delivery is empty");
    }
    int bytes = delivery.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_DELIVERY_BYTES) {
      throw new MalformedDeliveryException("the delivery is " + bytes + " bytes; Event Grid delivers at most " + MAX_DELIVERY_BYTES);
    }
    JsonNode root;
    try {
      root = json.readTree(delivery);
    } catch (JsonProcessingException e) {
      throw new MalformedDeliveryException("the delivery is not valid JSON: " + e.getOriginalMessage());
    }
    List<JsonNode> elements = new ArrayList<>();
    if (root != null && root.isArray()) {
      root.forEach(elements::add);
    } else if (root != null && root.isObject()) {
      elements.add(root);
    } else {
      throw new MalformedDeliveryException("the delivery must be a JSON object or an array of objects");
    }
    if (elements.isEmpty()) {
      throw new MalformedDeliveryException("the delivery is an empty array");
    }
    List<Screened> screened = new ArrayList<>(elements.size());
    for (int i = 0; i < elements.size(); i++) {
      screened.add(screenElement(elements.get(i), i));
    }
    return screened;
  }

  private Screened screenElement(JsonNode element, int index) throws MalformedDeliveryException {
    if (!element.isObject()) {
      throw new MalformedDeliveryException("event " + index + " is not a JSON object");
    }
    if (element.has("specversion")) {
      return screenCloudEvent(element, index);
    }
    if (element.has("eventType")) {
      return screenEventGridEvent(element, index);
    }
    throw new MalformedDeliveryException(
        "event " + index + " is neither an Event Grid event (no 'eventType') nor a CloudEvent (no 'specversion')");
  }

  private Screened screenEventGridEvent(JsonNode element, int index) throws MalformedDeliveryException {
    EventGridEvent event;
    try {
      event = EventGridEvent.fromString(element.toString()).get(0);
    } catch (RuntimeException e) {
      throw new MalformedDeliveryException("event " + index + " is not a valid Event Grid event: " + firstLine(e));
    }
    return screenWrite(new Envelope(event.getId(), event.getEventType(), Optional.ofNullable(event.getTopic()),
        Optional.ofNullable(event.getSubject()), event.getEventTime(), element.path("data")));
  }

  private Screened screenCloudEvent(JsonNode element, int index) throws MalformedDeliveryException {
    CloudEvent event;
    try {
      event = CloudEvent.fromString(element.toString()).get(0);
    } catch (RuntimeException e) {
      throw new MalformedDeliveryException("event " + index + " is not a valid CloudEvent: " + firstLine(e));
    }
    return screenWrite(new Envelope(event.getId(), event.getType(), Optional.ofNullable(event.getSource()),
        Optional.ofNullable(event.getSubject()), event.getTime(), element.path("data")));
  }

  /** The schema-independent parts of an event; {@code data} as sent, checked before the SDK's model reads it. */
  private record Envelope(String id, String type, Optional<String> topic, Optional<String> subject,
                          OffsetDateTime time, JsonNode data) {}

  private Screened screenWrite(Envelope envelope) {
    String id = envelope.id();
    if (id != null && id.length() > MAX_TEXT_LENGTH) {
      return new Screened.Rejected(Printable.abbreviate(id), Optional.empty(), "the event's id is " + id.length()
          + " characters long (at most " + MAX_TEXT_LENGTH + ")");
    }
    if (SUBSCRIPTION_VALIDATION.equalsIgnoreCase(envelope.type())) {
      return new Screened.Ignored(id, Optional.empty(),
          "subscription validation handshake: the Functions host answers it for the AzureFunction endpoint");
    }
    if (!WRITE_SUCCESS.equalsIgnoreCase(envelope.type())) {
      // Shown only, never parsed or acted on: a write failure or a delete names its resource like a write.
      Optional<String> shownResource = Optional.of(envelope.data().path("resourceUri"))
          .filter(JsonNode::isTextual).map(JsonNode::asText).filter(uri -> !uri.isEmpty()).map(Printable::abbreviate);
      return new Screened.Ignored(id, shownResource,
          "event type '" + Printable.abbreviate(envelope.type()) + "' is not handled (only " + WRITE_SUCCESS + ")");
    }
    Optional<String> misshapen = DataShape.problem(envelope.data());
    if (misshapen.isPresent()) {
      return new Screened.Rejected(id, Optional.empty(), misshapen.get());
    }
    ResourceWriteSuccessEventData data;
    try (JsonReader reader = JsonProviders.createReader(envelope.data().toString())) {
      data = ResourceWriteSuccessEventData.fromJson(reader);
    } catch (IOException | RuntimeException e) {
      return new Screened.Rejected(id, Optional.empty(), "data is not a ResourceWriteSuccess payload");
    }
    String resourceUri = data.getResourceUri();
    if (resourceUri == null || resourceUri.isEmpty()) {
      return new Screened.Rejected(id, Optional.empty(), "data.resourceUri is missing");
    }
    Optional<String> shownResource = Optional.of(Printable.abbreviate(resourceUri));
    if (envelope.subject().isPresent() && !envelope.subject().get().equalsIgnoreCase(resourceUri)) {
      return new Screened.Rejected(id, shownResource, "subject and data.resourceUri name different resources");
    }
    ResourceTarget target;
    try {
      target = ResourceIds.parse(resourceUri);
    } catch (InvalidResourceIdException e) {
      return new Screened.Rejected(id, shownResource,
          "data.resourceUri refused: " + Printable.abbreviate(e.getMessage()));
    }
    Optional<String> subscriptionMismatch = subscriptionMismatch(envelope.topic(), data, target);
    if (subscriptionMismatch.isPresent()) {
      return new Screened.Rejected(id, shownResource, subscriptionMismatch.get());
    }
    Optional<String> correlationId = Optional.ofNullable(data.getCorrelationId());
    if (correlationId.filter(correlation -> correlation.length() > MAX_TEXT_LENGTH).isPresent()) {
      return new Screened.Rejected(id, shownResource, "data.correlationId is " + correlationId.get().length()
          + " characters long (at most " + MAX_TEXT_LENGTH + ")");
    }
    Optional<String> operation = Optional.ofNullable(data.getOperationName()).filter(op -> !op.isEmpty());
    if (operation.isPresent() && !HandledOperations.writesAnExtension(operation.get())
        && !operation.get().toLowerCase(Locale.ROOT).startsWith("microsoft.web/sites")) {
      return new Screened.Rejected(id, shownResource,
          "operation '" + Printable.abbreviate(operation.get()) + "' does not write a Microsoft.Web site");
    }
    if (operation.isPresent() && !HandledOperations.agree(operation.get(), target.child())) {
      return new Screened.Rejected(id, shownResource, "operation '" + Printable.abbreviate(operation.get()) + "' does not write "
          + target.child().orElse("the site itself"));
    }
    if (operation.isPresent() && !HandledOperations.isHandled(operation.get())) {
      return new Screened.Ignored(id, shownResource,
          "operation '" + Printable.abbreviate(operation.get()) + "' cannot change a controlled setting");
    }
    if (!HandledOperations.writes(target.child())) {
      return new Screened.Ignored(id, shownResource,
          "a write to " + target.child().orElse("?") + " cannot change a controlled setting");
    }
    if (envelope.time() != null && (envelope.time().getYear() < FIRST_RECORDABLE_YEAR
        || envelope.time().getYear() > LAST_RECORDABLE_YEAR)) {
      return new Screened.Rejected(id, shownResource, "the event's time " + Printable.abbreviate(envelope.time().toString())
          + " lies outside the years " + FIRST_RECORDABLE_YEAR + " to " + LAST_RECORDABLE_YEAR
          + " that records and alerts hold");
    }
    OffsetDateTime time = envelope.time() == null ? OffsetDateTime.now(clock) : envelope.time();
    return new Screened.Accepted(new WriteEvent(id, time, target, operation, caller(data), correlationId, false));
  }

  /**
   * Both the topic ({@code /subscriptions/{id}}, or a resource group's system topic
   * {@code /subscriptions/{id}/resourceGroups/{name}}) and data.subscriptionId, where present, must name the resource's
   * subscription; a resource group's topic must also name the resource's group (ARM ids ignore case).
   */
  private static Optional<String> subscriptionMismatch(Optional<String> topic, ResourceWriteSuccessEventData data,
                                                       ResourceTarget target) {
    String resourceSubscription = target.site().subscriptionId();
    boolean named = false;
    if (topic.isPresent()) {
      Matcher matcher = SUBSCRIPTION_TOPIC.matcher(topic.get());
      if (!matcher.matches()) {
        return Optional.of("topic is not a subscription or resource group system topic");
      }
      if (!matcher.group(1).equalsIgnoreCase(resourceSubscription)) {
        return Optional.of("the resource's subscription differs from the topic's subscription");
      }
      if (matcher.group(2) != null && !matcher.group(2).equalsIgnoreCase(target.site().resourceGroup())) {
        return Optional.of("the resource's resource group differs from the topic's resource group");
      }
      named = true;
    }
    if (data.getSubscriptionId() != null) {
      if (!data.getSubscriptionId().equalsIgnoreCase(resourceSubscription)) {
        return Optional.of("the resource's subscription differs from data.subscriptionId");
      }
      named = true;
    }
    return named ? Optional.empty() : Optional.of("the event names no subscription (neither topic nor data.subscriptionId)");
  }

  private static Caller caller(ResourceWriteSuccessEventData data) {
    Map<String, String> claims = data.getResourceClaims() == null ? Map.of() : data.getResourceClaims();
    ResourceAuthorization authorization = data.getResourceAuthorization();
    Map<String, String> evidence = authorization == null || authorization.getEvidence() == null
        ? Map.of() : authorization.getEvidence();
    ResourceHttpRequest request = data.getResourceHttpRequest();
    return new Caller(
        claim(claims, OBJECT_ID_CLAIM).or(() -> claim(claims, "oid")).or(() -> claim(evidence, "principalId")),
        claim(evidence, "principalType"),
        claim(claims, UPN_CLAIM),
        claim(claims, "name"),
        claim(claims, "appid"),
        Optional.ofNullable(request).map(ResourceHttpRequest::getClientIpAddress).filter(EventIntake::usable)
            .or(() -> claim(claims, "ipaddr")));
  }

  private static Optional<String> claim(Map<String, String> claims, String key) {
    return Optional.ofNullable(claims.get(key)).filter(EventIntake::usable);
  }

  /** A caller's value as sent, unless it is blank or longer than any Azure sends: then the caller's part is unknown. */
  private static boolean usable(String value) {
    return !value.isBlank() && value.length() <= MAX_TEXT_LENGTH;
  }

  private static String firstLine(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return Printable.abbreviate(newline < 0 ? message : message.substring(0, newline));
  }
}
