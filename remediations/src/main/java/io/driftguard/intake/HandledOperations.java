package io.driftguard.intake;

import io.driftguard.documents.Documents;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The writes that can change a controlled setting: those of the documents controls read. The Event Grid subscription's
 * filter on {@code data.operationName} must list exactly {@link #ALL}; a write to any other child of a site (app
 * settings, functions) cannot change a control and is not re-read.
 */
public final class HandledOperations {

  public static final List<String> ALL = Documents.ALL.stream()
      .flatMap(document -> document.eventOperations().stream())
      .distinct()
      .sorted()
      .toList();

  private static final Set<String> ALL_LOWER_CASE =
      ALL.stream().map(op -> op.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());

  private HandledOperations() {}

  public static boolean isHandled(String operationName) {
    return ALL_LOWER_CASE.contains(operationName.toLowerCase(Locale.ROOT));
  }

  /** Whether a write to this child of a site or slot (empty: the site itself) can change a controlled setting. */
  public static boolean writes(Optional<String> child) {
    return Documents.ALL.stream()
        .anyMatch(document -> document.child().map(String::toLowerCase).equals(child.map(String::toLowerCase)));
  }
}
