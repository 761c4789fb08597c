package io.driftguard.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.driftguard.controls.Control;
import io.driftguard.documents.Document;
import io.driftguard.documents.Documents;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.ArmException;
import io.driftguard.state.ArmGateway;
import io.driftguard.state.CallBudget;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * For an app Resource Graph saw nothing wrong with: reads the documents it does not index that some controls judge (both
 * basic-auth publishing policies in one list call, ARM having no list across sites) and judges those controls. Only a
 * screen: drift, or a read that failed, sends the app to the engine, which reads everything afresh and decides; nothing
 * is fixed or reported from this read.
 */
final class UnindexedDocuments {

  private static final List<Document> PUBLISHING_POLICIES = List.of(Documents.FTP_BASIC_AUTH, Documents.SCM_BASIC_AUTH);

  private UnindexedDocuments() {}

  /** True when a control may be broken: one is not compliant, or a document could not be read. */
  static boolean mayShowDrift(ArmGateway gateway, SiteRef site, List<Control> controls, CallBudget budget) {
    Set<Document> needed = new LinkedHashSet<>();
    controls.forEach(control -> needed.addAll(control.reads()));
    Map<Document, JsonNode> documents = new HashMap<>();
    try {
      if (needed.stream().anyMatch(PUBLISHING_POLICIES::contains)) {
        listPolicies(gateway, site, budget, documents);
      }
      // Whatever the list did not give (or every document, where it failed) is read by itself.
      for (Document document : needed) {
        if (!documents.containsKey(document)) {
          documents.put(document, gateway.read(site, document, budget));
        }
      }
    } catch (ArmException e) {
      return true;
    }
    return controls.stream().anyMatch(control -> !control.evaluate(
        document -> documents.getOrDefault(document, MissingNode.getInstance())).compliant());
  }

  /**
   * Both policies in one read. A list the identity may not make (a role from before sweeps used it) or that fails
   * for good leaves them to be read one by one; a retryable failure ends the screen.
   */
  private static void listPolicies(ArmGateway gateway, SiteRef site, CallBudget budget,
                                   Map<Document, JsonNode> documents) {
    try {
      for (JsonNode policy : gateway.listPublishingPolicies(site, budget)) {
        String id = policy.path("id").asText("").toLowerCase(Locale.ROOT);
        PUBLISHING_POLICIES.stream()
            .filter(document -> id.endsWith("/" + document.child().orElseThrow().toLowerCase(Locale.ROOT)))
            .findFirst().ifPresent(document -> documents.put(document, policy));
      }
    } catch (ArmException e) {
      if (e.isRetryable()) {
        throw e;
      }
    }
  }
}
