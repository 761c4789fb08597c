package io.driftguard.intake;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The ARM write operations ({@code data.operationName}) that can change a controlled setting of a site or slot.
 * The Event Grid subscription's filter must list exactly these.
 */
public final class HandledOperations {

  private static final Set<String> SITE_OPERATIONS = Set.of(
      "write",
      "config/write",
      "basicPublishingCredentialsPolicies/write",
      "basicPublishingCredentialsPolicies/ftp/write",
      "basicPublishingCredentialsPolicies/scm/write");

  /** Canonical spelling, sites first then the slot twins. */
  public static final Set<String> ALL = Stream.concat(
          SITE_OPERATIONS.stream().sorted().map(op -> "Microsoft.Web/sites/" + op),
          SITE_OPERATIONS.stream().sorted().map(op -> "Microsoft.Web/sites/slots/" + op))
      .collect(Collectors.toCollection(LinkedHashSet::new));

  private static final Set<String> ALL_LOWER_CASE =
      ALL.stream().map(op -> op.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());

  private HandledOperations() {}

  public static boolean isHandled(String operationName) {
    return ALL_LOWER_CASE.contains(operationName.toLowerCase(Locale.ROOT));
  }
}
