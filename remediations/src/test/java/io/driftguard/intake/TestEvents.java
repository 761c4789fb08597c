package io.driftguard.intake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;

/** ResourceWriteSuccess events shaped as the subscription system topic sends them. */
public final class TestEvents {

  public static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";
  public static final String ALICE_OID = "11111111-1111-1111-1111-111111111111";
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestEvents() {}

  public static String siteId(String site) {
    return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg/providers/Microsoft.Web/sites/" + site;
  }

  /** An Event Grid schema event for a write by Alice to {@code resourceUri}. */
  public static ObjectNode write(String resourceUri, String operation) {
    ObjectNode event = JSON.createObjectNode();
    event.put("id", UUID.randomUUID().toString());
    event.put("topic", "/subscriptions/" + SUBSCRIPTION);
    event.put("subject", resourceUri);
    event.put("eventType", EventIntake.WRITE_SUCCESS);
    event.put("eventTime", "2026-11-22T10:15:30.123Z");
    event.put("dataVersion", "2");
    event.put("metadataVersion", "1");
    ObjectNode data = event.putObject("data");
    ObjectNode authorization = data.putObject("authorization");
    authorization.put("scope", resourceUri);
    authorization.put("action", operation);
    ObjectNode evidence = authorization.putObject("evidence");
    evidence.put("role", "Contributor");
    evidence.put("principalId", ALICE_OID);
    evidence.put("principalType", "User");
    ObjectNode claims = data.putObject("claims");
    claims.put("http://schemas.microsoft.com/identity/claims/objectidentifier", ALICE_OID);
    claims.put("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", "alice@contoso.com");
    claims.put("name", "Alice Admin");
    claims.put("appid", "04b07795-8ddb-461a-bbee-02f9e1bf7b46");
    data.put("correlationId", "c0ffee00-0000-0000-0000-000000000000");
    ObjectNode request = data.putObject("httpRequest");
    request.put("clientRequestId", UUID.randomUUID().toString());
    request.put("clientIpAddress", "203.0.113.7");
    request.put("method", "PATCH");
    request.put("url", "https://management.azure.com" + resourceUri + "?api-version=2025-03-01");
    data.put("resourceProvider", "Microsoft.Web");
    data.put("resourceUri", resourceUri);
    data.put("operationName", operation);
    data.put("status", "Succeeded");
    data.put("subscriptionId", SUBSCRIPTION);
    data.put("tenantId", "22222222-2222-2222-2222-222222222222");
    return event;
  }

  public static ObjectNode configWrite(String site) {
    return write(siteId(site) + "/config/web", "Microsoft.Web/sites/config/write");
  }

  /** The same event in the CloudEvents 1.0 schema. */
  public static ObjectNode asCloudEvent(ObjectNode eventGridEvent) {
    ObjectNode event = JSON.createObjectNode();
    event.put("specversion", "1.0");
    event.put("id", eventGridEvent.get("id").asText());
    event.put("source", eventGridEvent.get("topic").asText());
    event.put("subject", eventGridEvent.get("subject").asText());
    event.put("type", eventGridEvent.get("eventType").asText());
    event.put("time", eventGridEvent.get("eventTime").asText());
    event.set("data", eventGridEvent.get("data"));
    return event;
  }
}
