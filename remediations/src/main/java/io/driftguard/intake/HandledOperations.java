package io.driftguard.intake;

import io.driftguard.documents.Document;
import io.driftguard.documents.Documents;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The writes that can change a controlled setting or an exemption: those of the documents controls read, and of their
 * extension resources (the site's tags). The Event Grid subscription's filter on {@code data.operationName} must list
 * exactly {@link #ALL}; a write to any other child of a site (app settings, functions) cannot change a control and is
 * not re-read.
 */
public final class HandledOperations {

  private static final List<Document.Extension> EXTENSIONS = Documents.ALL.stream()
      .flatMap(document -> document.extensions().stream())
      .toList();

  public static final List<String> ALL = Stream.concat(
          Documents.ALL.stream().flatMap(document -> document.eventOperations().stream()),
          EXTENSIONS.stream().map(Document.Extension::writeOperation))
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
    return Documents.ALL.stream().anyMatch(document -> document.writtenBy(child))
        || EXTENSIONS.stream().anyMatch(extension -> child.filter(extension.child()::equalsIgnoreCase).isPresent());
  }

  /** Whether an operation writes an extension resource (not a Microsoft.Web one). */
  public static boolean writesAnExtension(String operationName) {
    return EXTENSIONS.stream().anyMatch(extension -> extension.writeOperation().equalsIgnoreCase(operationName));
  }

  /** An extension's operation names exactly its resource, and its resource is written only by that operation. */
  public static boolean agree(String operationName, Optional<String> child) {
    return EXTENSIONS.stream().allMatch(extension -> extension.writeOperation().equalsIgnoreCase(operationName)
        == child.filter(extension.child()::equalsIgnoreCase).isPresent());
  }
}
