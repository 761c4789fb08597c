package io.driftguard.policy;

import io.driftguard.controls.Control;
import io.driftguard.controls.Risk;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which controls an app's tag may turn to {@code autofix} when settings alone would not fix them
 * ({@code DRIFTGUARD_TAG_OPT_IN}): none by default, since whoever may only tag an app (Tag Contributor, a tagging bot)
 * must not be able to make driftguard change its configuration. An administrator opens this per control, or for the
 * safe controls as a class.
 */
public record TagOptIn(boolean safeControls, Set<String> controlIds) {

  public static final TagOptIn NONE = new TagOptIn(false, Set.of());

  public TagOptIn {
    controlIds = Set.copyOf(controlIds);
  }

  /** Whether a tag may ask for this control's fix (a report-only control has none). */
  public boolean allows(Control control) {
    return control.risk() != Risk.REPORT_ONLY
        && (controlIds.contains(control.id()) || safeControls && control.risk() == Risk.SAFE);
  }

  /** As the setting reads: {@code none}, {@code safe}, control ids, or {@code safe} with ids. */
  public String label() {
    if (!safeControls && controlIds.isEmpty()) {
      return "none";
    }
    Set<String> words = new LinkedHashSet<>();
    if (safeControls) {
      words.add("safe");
    }
    controlIds.stream().sorted().forEach(words::add);
    return String.join(",", words);
  }

  /**
   * Parses {@code none}, or a comma list of {@code safe} (every safe control) and control ids from {@code knownIds}.
   * Unknown words are refused: a typo must not open, or silently fail to open, a control to tags.
   */
  public static TagOptIn parse(String value, Set<String> knownIds) {
    Set<String> words = Arrays.stream(value.split(","))
        .map(word -> word.trim().toLowerCase(Locale.ROOT)).filter(word -> !word.isEmpty())
        .collect(Collectors.toCollection(LinkedHashSet::new));
    if (words.equals(Set.of("none"))) {
      return NONE;
    }
    boolean safe = words.remove("safe");
    Set<String> unknown = words.stream().filter(word -> !knownIds.contains(word))
        .collect(Collectors.toCollection(LinkedHashSet::new));
    if (!unknown.isEmpty() || !safe && words.isEmpty()) {
      throw new IllegalArgumentException("must be none, safe, or a comma list of control ids (and safe), not '" + value
          + "'" + (unknown.isEmpty() ? "" : " (unknown: " + String.join(", ", unknown) + ")"));
    }
    return new TagOptIn(safe, words);
  }
}
