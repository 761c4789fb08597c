package io.driftguard.controls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftguard.documents.Document;
import io.driftguard.documents.Documents;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Whether the app's language version is past its end of support, judged from what ARM shows without a secret: Flex
 * Consumption's {@code functionAppConfig.runtime} on the site, Linux's {@code linuxFxVersion}, Windows'
 * {@code javaVersion} / {@code powerShellVersion} / {@code netFrameworkVersion} (the last only when it names a .NET
 * newer than the Framework every Windows app shows). Otherwise the worker is named only by an app setting, which is a
 * secret-bearing read, so the control says it could not judge instead of guessing. A version older than every row of
 * its language's table is out of support (fails closed); one newer than every row is not judged until it is added.
 */
final class RuntimeSupport implements PropertyControl.Judge {

  private static final String TABLE = "runtime-support.json";

  private final JsonNode table;
  private final Clock clock;

  RuntimeSupport(Clock clock) {
    this.clock = clock;
    try (InputStream in = RuntimeSupport.class.getResourceAsStream(TABLE)) {
      this.table = new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the end-of-support dates come from, and when they were checked. */
  String source() {
    return table.path("source").asText() + " (checked " + table.path("checked").asText() + ")";
  }

  /** A language and version as the table keys them, e.g. {@code python} {@code 3.11}. */
  record Runtime(String language, String version) {
    @Override
    public String toString() {
      return language + " " + version;
    }
  }

  @Override
  public Evaluation evaluate(Function<Document, JsonNode> resources) {
    String desired = "a language version inside its support (" + source() + ")";
    Optional<Runtime> runtime = runtimeOf(resources.apply(Documents.SITE).path("properties"),
        resources.apply(Documents.WEB_CONFIG).path("properties"));
    if (runtime.isEmpty()) {
      return Evaluation.notJudged("the language is not shown without reading app settings", desired);
    }
    JsonNode versions = table.path("languages").path(runtime.get().language());
    JsonNode end = versions.path(runtime.get().version());
    if (!end.isTextual()) {
      Optional<String> oldest = oldest(versions);
      if (oldest.isPresent() && compareVersions(runtime.get().version(), oldest.get()) < 0) {
        // Fails closed: a version older than every row went out of support before the oldest one the table still
        // lists (Python 3.6, Node 12, .NET Core 3.1), so it is drift, not a version the table does not know.
        return Evaluation.drift(runtime.get() + " (older than every version in the support table; the oldest, "
            + oldest.get() + ", is supported until " + versions.path(oldest.get()).asText() + ")", desired);
      }
      return Evaluation.notJudged(runtime.get() + " is not in the support table", desired);
    }
    LocalDate endOfSupport = LocalDate.parse(end.asText());
    String observed = runtime.get() + " (support ends " + endOfSupport + ")";
    return LocalDate.now(clock).isAfter(endOfSupport) ? Evaluation.drift(observed, desired)
        : Evaluation.compliant(observed, desired);
  }

  /**
   * For a sweep's pre-filter, from the same table and day: an app is kept unless its {@code config/web} row shows in
   * {@code linuxFxVersion} a language version supported today, spelled {@code language|version} as the table keys it
   * (compared ignoring case), and its site names no Flex Consumption runtime (which the judgement prefers). Other
   * spellings ({@code Node|20-lts}), an empty value (Windows apps) or a missing row are kept and read.
   */
  GraphPredicate graphPredicate() {
    LocalDate today = LocalDate.now(clock);
    List<String> supported = new ArrayList<>();
    table.path("languages").fields().forEachRemaining(language -> language.getValue().fields().forEachRemaining(
        version -> {
          if (!today.isAfter(LocalDate.parse(version.getValue().asText()))) {
            supported.add(language.getKey() + "|" + version.getKey());
          }
        }));
    return GraphPredicate.anyOf(GraphPredicate.notInIgnoringCase(Documents.WEB_CONFIG, "linuxFxVersion", supported),
        GraphPredicate.present(Documents.SITE, "functionAppConfig/runtime"));
  }

  /** The oldest version a language's row lists, or empty when the table has no row for the language. */
  private static Optional<String> oldest(JsonNode versions) {
    List<String> listed = new ArrayList<>();
    versions.fieldNames().forEachRemaining(listed::add);
    return listed.stream().min(RuntimeSupport::compareVersions);
  }

  /**
   * Compares dotted versions part by part as numbers ({@code 3.9} before {@code 3.10}); parts are compared as digit
   * strings, so a version of any length (it comes from ARM) never overflows.
   */
  static int compareVersions(String left, String right) {
    String[] leftParts = left.split("\\.");
    String[] rightParts = right.split("\\.");
    for (int i = 0; i < Math.max(leftParts.length, rightParts.length); i++) {
      String leftPart = i < leftParts.length ? leftParts[i].replaceFirst("^0+(?=.)", "") : "0";
      String rightPart = i < rightParts.length ? rightParts[i].replaceFirst("^0+(?=.)", "") : "0";
      int order = leftPart.length() != rightPart.length() ? Integer.compare(leftPart.length(), rightPart.length())
          : leftPart.compareTo(rightPart);
      if (order != 0) {
        return order;
      }
    }
    return 0;
  }

  static Optional<Runtime> runtimeOf(JsonNode site, JsonNode webConfig) {
    JsonNode flex = site.path("functionAppConfig").path("runtime");
    if (flex.path("name").isTextual() && flex.path("version").isTextual()) {
      return runtime(flex.path("name").asText(), flex.path("version").asText());
    }
    String linux = webConfig.path("linuxFxVersion").asText("");
    int bar = linux.indexOf('|');
    if (bar > 0) {
      return runtime(linux.substring(0, bar), linux.substring(bar + 1));
    }
    String java = webConfig.path("javaVersion").asText("");
    if (!java.isBlank()) {
      return runtime("java", java);
    }
    String powerShell = webConfig.path("powerShellVersion").asText("");
    if (!powerShell.isBlank()) {
      return runtime("powershell", powerShell);
    }
    String dotnet = webConfig.path("netFrameworkVersion").asText("");
    return dotnet.matches("v?([5-9]|\\d\\d)\\.\\d+") ? runtime("dotnet", dotnet) : Optional.empty();
  }

  /** Normalises ARM's spellings ({@code Node|20-lts}, {@code DOTNET-ISOLATED|8}, {@code 1.8}, {@code ~7.4}). */
  private static Optional<Runtime> runtime(String name, String rawVersion) {
    String language = name.trim().toLowerCase(Locale.ROOT);
    String version = rawVersion.trim().toLowerCase(Locale.ROOT).replaceFirst("^[v~]", "").replaceFirst("-lts$", "");
    if (!version.matches("\\d+(\\.\\d+)*")) {
      return Optional.empty();
    }
    String[] parts = version.split("\\.");
    String majorMinor = parts[0] + "." + (parts.length > 1 ? parts[1] : "0");
    return switch (language) {
      case "java" -> Optional.of(new Runtime(language, parts[0].equals("1") && parts.length > 1 ? parts[1] : parts[0]));
      case "node" -> Optional.of(new Runtime(language, parts[0]));
      case "python", "powershell", "dotnet", "dotnet-isolated" -> Optional.of(new Runtime(language, majorMinor));
      // Linux's name for the in-process .NET worker before .NET 6 (DOTNETCORE|3.1).
      case "dotnetcore" -> Optional.of(new Runtime("dotnet", majorMinor));
      default -> Optional.empty();
    };
  }
}
