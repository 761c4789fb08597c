package io.driftguard.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.driftguard.controls.Control;
import io.driftguard.documents.Document;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.ArmException;
import io.driftguard.state.ArmGateway;
import io.driftguard.state.CallBudget;
import io.driftguard.state.SiblingReads;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * For an app Resource Graph saw nothing wrong with: reads the documents it does not index that some controls judge
 * (documents listed with their siblings, such as both basic-auth publishing policies, in one list call per collection,
 * ARM having no list across sites) and judges those controls. Only a screen: drift, or a read that failed, sends the
 * app to the engine, which reads everything afresh and decides; nothing is fixed or reported from this read.
 */
final class UnindexedDocuments {

  private UnindexedDocuments() {}

  /** True when a control may be broken: one is not compliant, or a document could not be read. */
  static boolean mayShowDrift(ArmGateway gateway, SiteRef site, List<Control> controls, CallBudget budget) {
    Set<Document> needed = new LinkedHashSet<>();
    controls.forEach(control -> needed.addAll(control.reads()));
    Map<Document, JsonNode> documents = new HashMap<>();
    try {
      Map<String, List<Document>> collections = new LinkedHashMap<>();
      needed.forEach(document -> document.listedWith()
          .ifPresent(collection -> collections.computeIfAbsent(collection, key -> new ArrayList<>()).add(document)));
      collections.values().forEach(siblings -> documents.putAll(SiblingReads.list(gateway, site, siblings, budget)));
      // Whatever a list did not give (or every document, where it failed) is read by itself.
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
}
