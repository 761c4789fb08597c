package io.driftguard.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.controls.Control;
import io.driftguard.controls.Evaluation;
import io.driftguard.documents.Document;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sparse fixes of one event, grouped per document so each document gets at most one write whose body holds only
 * the properties being fixed.
 */
final class FixPlan {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<Document, ObjectNode> bodies = new LinkedHashMap<>();
  private final Map<Document, List<Control>> controls = new LinkedHashMap<>();
  private final Map<Control, Set<String>> properties = new LinkedHashMap<>();

  void add(Control control, Evaluation drift) {
    ObjectNode body = bodies.computeIfAbsent(control.document(), document -> JSON.createObjectNode());
    drift.fix().forEach((property, value) -> body.set(property, JSON.valueToTree(value)));
    controls.computeIfAbsent(control.document(), document -> new ArrayList<>()).add(control);
    properties.put(control, drift.fix().keySet());
  }

  /**
   * Takes out of the plan the controls whose fix writes one of {@code refused} in {@code document}, and their
   * properties from its body (the document leaves the plan when nothing is left to write); returns those controls.
   */
  List<Control> withdraw(Document document, Set<String> refused) {
    List<Control> withdrawn = controls.get(document).stream()
        .filter(control -> properties.get(control).stream().anyMatch(refused::contains)).toList();
    withdrawn.forEach(control -> {
      controls.get(document).remove(control);
      properties.get(control).forEach(bodies.get(document)::remove);
    });
    if (controls.get(document).isEmpty()) {
      controls.remove(document);
      bodies.remove(document);
    }
    return withdrawn;
  }

  Map<Document, ObjectNode> bodies() {
    return bodies;
  }

  List<Control> controlsFixedBy(Document document) {
    return controls.get(document);
  }
}
