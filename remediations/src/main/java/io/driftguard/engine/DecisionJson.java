package io.driftguard.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/** Decisions as one line of JSON each: the machine-readable output of the function log and {@code handle}. */
public final class DecisionJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private DecisionJson() {}

  public static String toJson(Decision decision) {
    try {
      return JSON.writeValueAsString(decision);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
