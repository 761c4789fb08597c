package io.driftguard.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.documents.Document;
import io.driftguard.resource.SiteRef;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Documents ARM lists together under one collection of a site or slot ({@link Document#listedWith()}: both basic-auth
 * publishing policies in {@code GET {site}/basicPublishingCredentialsPolicies}), read in one request.
 */
public final class SiblingReads {

  private SiblingReads() {}

  /**
   * The resources of {@code siblings} (documents of one collection) from one list read, matched by the listed ids' last
   * segments. A list the identity may not make (a role from before it was used) or that fails for good gives none, so
   * that the caller reads them one by one; a retryable failure is thrown.
   */
  public static Map<Document, JsonNode> list(ArmGateway gateway, SiteRef site, List<Document> siblings,
                                             CallBudget budget) {
    Map<Document, JsonNode> documents = new HashMap<>();
    try {
      for (JsonNode listed : gateway.listWithSiblings(site, siblings.get(0), budget)) {
        String id = listed.path("id").asText("").toLowerCase(Locale.ROOT);
        siblings.stream()
            .filter(document -> id.endsWith("/" + document.child().orElseThrow().toLowerCase(Locale.ROOT)))
            .findFirst().ifPresent(document -> documents.put(document, listed));
      }
    } catch (ArmException e) {
      if (e.isRetryable()) {
        throw e;
      }
    }
    return documents;
  }
}
