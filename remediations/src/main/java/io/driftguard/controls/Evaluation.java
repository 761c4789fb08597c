package io.driftguard.controls;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.text.Printable;
import java.util.Map;

/**
 * A control's verdict: what it saw, what it wants, and for drift the properties a fix sets (and nothing else: the
 * write's body is built from them). {@code judged} is false where ARM does not show, without a secret, what the
 * control needs: then there is no finding and {@code observed} says why.
 */
public record Evaluation(boolean compliant, boolean judged, String observed, String desired, Map<String, Object> fix) {

  public Evaluation {
    fix = Map.copyOf(fix);
  }

  public static Evaluation compliant(String observed, String desired) {
    return new Evaluation(true, true, observed, desired, Map.of());
  }

  /** Wrong, and no fix driftguard may write. */
  public static Evaluation drift(String observed, String desired) {
    return new Evaluation(false, true, observed, desired, Map.of());
  }

  public static Evaluation drift(String observed, String desired, String property, Object fixedValue) {
    return new Evaluation(false, true, observed, desired, Map.of(property, fixedValue));
  }

  public static Evaluation drift(String observed, String desired, Map<String, Object> fix) {
    return new Evaluation(false, true, observed, desired, fix);
  }

  /** Cannot be judged without a secret or a guess: no finding. */
  public static Evaluation notJudged(String why, String desired) {
    return new Evaluation(true, false, why, desired, Map.of());
  }

  /** How a property's value reads in decisions and alerts: whatever ARM returned, printable and short. */
  public static String describe(JsonNode value) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return "(not set)";
    }
    return Printable.abbreviate(value.isTextual() ? value.asText() : value.toString());
  }
}
