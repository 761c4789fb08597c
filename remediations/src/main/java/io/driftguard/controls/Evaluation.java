package io.driftguard.controls;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.text.Printable;
import java.util.Map;

/**
 * A control's verdict on one document: what it saw, what it wants, and for drift the properties a fix sets
 * (and nothing else: the PATCH body is built from them).
 */
public record Evaluation(boolean compliant, String observed, String desired, Map<String, Object> fix) {

  public Evaluation {
    fix = Map.copyOf(fix);
  }

  public static Evaluation compliant(String observed, String desired) {
    return new Evaluation(true, observed, desired, Map.of());
  }

  public static Evaluation drift(String observed, String desired, String property, Object fixedValue) {
    return new Evaluation(false, observed, desired, Map.of(property, fixedValue));
  }

  /** How a property's value reads in decisions and alerts: whatever ARM returned, printable and short. */
  public static String describe(JsonNode value) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return "(not set)";
    }
    return Printable.abbreviate(value.isTextual() ? value.asText() : value.toString());
  }
}
