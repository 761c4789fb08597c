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

/**
 * The sparse fixes of one event, grouped per document so each document gets at most one write whose body holds only
 * the properties being fixed.
 */
final class FixPlan {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<Document, ObjectNode> bodies = new LinkedHashMap<>();
  private final Map<Document, List<Control>> controls = new LinkedHashMap<>();

  void add(Control control, Evaluation drift) {
    ObjectNode body = bodies.computeIfAbsent(control.document(), document -> JSON.createObjectNode());
    drift.fix().forEach((property, value) -> body.set(property, JSON.valueToTree(value)));
    controls.computeIfAbsent(control.document(), document -> new ArrayList<>()).add(control);
  }

  Map<Document, ObjectNode> bodies() {
    return bodies;
  }

  List<Control> controlsFixedBy(Document document) {
    return controls.get(document);
  }
}
