package io.driftguard.engine;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Locale;

/**
 * Where one finding stands: one app (or slot) and control, identified by the lower-cased resource id and the control
 * id. {@code last} is the step that led here, taken by event {@code eventId} at {@code changedAt}, by {@code by} (who
 * resolved it: driftguard, a person, an exemption, the app's deletion); {@code notifiedAt} is when people were last told
 * (for reminders); {@code version} is the store's concurrency token (an ETag), null for a finding never stored.
 */
public record FindingState(
    String resource,
    String rule,
    Status status,
    Step last,
    String observed,
    String desired,
    String mode,
    String action,
    Instant openedAt,
    Instant notifiedAt,
    Instant changedAt,
    String by,
    String eventId,
    @JsonIgnore String version) {

  /** Who resolved the findings of an app ARM no longer has. */
  public static final String APP_DELETED = "the app was deleted";
  /** Who resolved a finding whose control is now off for its app: nobody fixed it, driftguard stopped tracking it. */
  public static final String CONTROL_OFF = "no longer tracked, its control is off for this app";

  /** Where a finding is: open (drifted, people told), exempted (drifted, an exemption stands), or resolved. */
  public enum Status {
    OPEN, EXEMPTED, RESOLVED;

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Status ofLabel(String label) {
      return valueOf(label.toUpperCase(Locale.ROOT));
    }
  }

  /** A step in a finding's life: a row in the findings table, its {@code State}; each but {@link #STANDING} is kept. */
  public enum Step {
    /** First seen, or seen again after it was resolved: pages. */
    OPENED("opened"),
    /** Still drifted, but its observed value, mode or action changed: pages. */
    CHANGED("changed"),
    /** Unchanged, and told last longer ago than the reminder interval: pages again. */
    REMINDED("reminder"),
    /** Unchanged since people were told: a row that keeps its alert open and pages nobody; not kept. */
    STANDING("standing"),
    /** An exemption started (or changed): the low-severity rule. */
    EXEMPTED("exempted"),
    /** An exemption expired or was removed and the drift stands: pages, and the low-severity rule hears it too. */
    EXEMPTION_ENDED("exemption-ended"),
    /** Compliant again, or the app is gone: a row that closes it and pages nobody. */
    RESOLVED("resolved");

    private final String label;

    Step(String label) {
      this.label = label;
    }

    @JsonValue
    public String label() {
      return label;
    }

    public static Step ofLabel(String label) {
      for (Step step : values()) {
        if (step.label.equals(label)) {
          return step;
        }
      }
      throw new IllegalArgumentException("unknown finding step: " + label);
    }
  }

  /** The app as people name it: {@code site}, or {@code site/slot} for a slot (lower-case, as the id is kept). */
  @JsonProperty
  public String app() {
    String site = resource.substring(resource.lastIndexOf("/sites/") + "/sites/".length());
    return site.replace("/slots/", "/");
  }

  /** The identity of a finding: ARM ids are case-insensitive, so one app is one finding whatever the casing. */
  public static String resourceKey(String resourceId) {
    return resourceId.toLowerCase(Locale.ROOT);
  }
}
