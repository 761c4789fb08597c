package io.driftguard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/** Reads settings from the environment, collecting problems instead of stopping at the first. */
final class SettingsReader {
  private final Map<String, String> environment;
  private final List<String> problems = new ArrayList<>();

  SettingsReader(Map<String, String> environment) {
    this.environment = environment;
  }

  Optional<String> optional(String name) {
    return Optional.ofNullable(environment.get(name)).map(String::trim).filter(value -> !value.isEmpty());
  }

  <T> T parse(String name, String fallback, Function<String, T> parser) {
    String value = optional(name).orElse(fallback);
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      problems.add(name + ": " + e.getMessage());
      return parser.apply(fallback);
    }
  }

  <T> void parse(String name, String value, Function<String, T> parser, Consumer<T> use) {
    try {
      use.accept(parser.apply(value));
    } catch (IllegalArgumentException e) {
      problems.add(name + ": " + e.getMessage());
    }
  }

  void problem(String problem) {
    problems.add(problem);
  }

  void check(boolean valid, String problem, Runnable onValid) {
    if (valid) {
      onValid.run();
    } else {
      problems.add(problem);
    }
  }

  void refuseUnknown(List<String> known) {
    environment.keySet().stream()
        .filter(name -> name.startsWith("DRIFTGUARD_") && !known.contains(name))
        .sorted()
        .forEach(name -> problems.add(name + ": unknown setting (known: " + String.join(", ", known) + ")"));
  }

  void throwIfProblems() {
    if (!problems.isEmpty()) {
      throw new SettingsException(problems);
    }
  }
}
