package io.driftguard.config;

import java.util.List;

/** Settings that cannot be used, every problem listed, so an admin fixes them in one go. */
public final class SettingsException extends IllegalArgumentException {

  private final List<String> problems;

  public SettingsException(List<String> problems) {
    super("invalid driftguard settings:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
