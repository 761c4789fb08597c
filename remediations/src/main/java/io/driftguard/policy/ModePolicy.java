package io.driftguard.policy;

import io.driftguard.controls.Control;
import io.driftguard.state.SiteState;
import io.driftguard.text.Printable;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Resolves the mode of a control on an app. The most specific word wins:
 * tag {@code driftguard-exempt} (control ids) &gt; tag {@code driftguard-mode} &gt; {@code DRIFTGUARD_RULE_<ID>} &gt;
 * {@code DRIFTGUARD_MODE}. An unreadable tag value means {@code notify}: never a write the owner did not ask for.
 *
 * <p>Two tags exempt a control: {@code driftguard-exempt} listing it (or {@code all}) and {@code driftguard-mode=off}.
 * An exemption is a security decision taken by whoever can tag the app, so it is never silent: the control is still
 * evaluated and its findings recorded as exempted. It lasts until {@code driftguard-exempt-until} (an ISO date, valid
 * through that day, or date-time; UTC unless an offset is given); past it, or if it cannot be read, the control runs
 * in its normal mode and the finding says why. {@link TagExemptions} lets settings report or ignore the tags instead.
 */
public final class ModePolicy {

  public static final String MODE_TAG = "driftguard-mode";
  public static final String EXEMPT_TAG = "driftguard-exempt";
  public static final String EXEMPT_UNTIL_TAG = "driftguard-exempt-until";
  public static final String EXEMPT_REASON_TAG = "driftguard-exempt-reason";

  /**
   * The readable forms of {@code driftguard-exempt-until}: a date, or a date-time with an optional offset, always with
   * a four-digit year, so that no value (e.g. {@code +999999999-12-31}) lies beyond what a clock or Table storage
   * reaches. The length bound keeps the patterns' work small whatever the tag holds.
   */
  private static final int MAX_UNTIL_LENGTH = 40;
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern DATE_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?");
  private static final Pattern OFFSET = Pattern.compile("(Z|[+-]\\d{2}:\\d{2})$");

  private final Mode globalMode;
  private final Map<String, Mode> controlModes;
  private final TagExemptions tagExemptions;
  private final Clock clock;

  public ModePolicy(Mode globalMode, Map<String, Mode> controlModes, TagExemptions tagExemptions, Clock clock) {
    this.globalMode = globalMode;
    this.controlModes = Map.copyOf(controlModes);
    this.tagExemptions = tagExemptions;
    this.clock = clock;
  }

  /** The mode from settings alone, before the app's tags are known. */
  public ModeDecision configured(Control control) {
    Mode controlMode = controlModes.get(control.id());
    return controlMode != null
        ? new ModeDecision(controlMode, settingName(control.id()))
        : new ModeDecision(globalMode, "DRIFTGUARD_MODE");
  }

  public ModeDecision resolve(Control control, SiteState site) {
    if (tagExemptions == TagExemptions.IGNORE) {
      return configured(control);
    }
    ModeDecision normal = normalMode(control, site);
    Optional<String> exemptingTag = exemptingTag(control, site);
    if (exemptingTag.isEmpty() || normal.mode() == Mode.OFF) {
      // Off by settings: an administrator's decision, not an exemption, and nothing is read.
      return normal;
    }
    String exemption = "tag " + Printable.abbreviate(exemptingTag.get())
        + site.tag(EXEMPT_REASON_TAG).map(reason -> ", reason '" + Printable.abbreviate(reason) + "'").orElse(", no reason given");
    if (tagExemptions == TagExemptions.REPORT) {
      return normal.noting(exemption + ": not honoured, DRIFTGUARD_TAG_EXEMPTIONS=report");
    }
    Optional<String> until = site.tag(EXEMPT_UNTIL_TAG);
    if (until.isEmpty()) {
      return new ModeDecision(Mode.OFF, exemption + ", no expiry (no " + EXEMPT_UNTIL_TAG + " tag)", true);
    }
    Optional<Instant> expiry = expiry(until.get());
    if (expiry.isEmpty()) {
      return normal.noting(exemption + ": void, " + EXEMPT_UNTIL_TAG + " '" + Printable.abbreviate(until.get())
          + "' is not an ISO date or date-time with a four-digit year");
    }
    if (!clock.instant().isBefore(expiry.get())) {
      return normal.noting(exemption + ": expired at " + expiry.get());
    }
    return new ModeDecision(Mode.OFF, exemption + ", until " + expiry.get(), true);
  }

  /** Names opt-in controls to turn on for an app (in the mode resolved for it). */
  public static final String ENABLE_TAG = "driftguard-enable";
  /** Names controls whose fix the app's owner asks for: guarded ones included, opt-in ones turned on. */
  public static final String AUTOFIX_TAG = "driftguard-autofix";

  /**
   * The tags that can turn on, for one app, a control settings leave off: where tags count, a sweep's pre-filter keeps
   * every app that carries one. None with {@code DRIFTGUARD_TAG_EXEMPTIONS=ignore}.
   */
  public List<String> tagsThatTurnControlsOn() {
    return tagExemptions == TagExemptions.IGNORE ? List.of() : List.of(MODE_TAG, ENABLE_TAG, AUTOFIX_TAG);
  }

  /** The mode in force for a control on an app: {@link #resolve} within the control's risk and opt-in default. */
  public ModeDecision effective(Control control, SiteState site) {
    boolean tagsCount = tagExemptions != TagExemptions.IGNORE;
    return withinRisk(control, resolve(control, site), site.tag(ENABLE_TAG).filter(tag -> tagsCount),
        site.tag(AUTOFIX_TAG).filter(tag -> tagsCount));
  }

  /**
   * Whether the control may be on for some app: on by settings, or (where tags count) turnable on by an app's
   * {@code driftguard-mode} or {@code driftguard-enable} tag. A sweep's pre-filter must look for every such control, or
   * a tag that turns one on would hide that app's drift from it.
   */
  public boolean mayBeOnForSomeApp(Control control) {
    return tagExemptions != TagExemptions.IGNORE || isOnBySettings(control);
  }

  /** Whether settings alone turn the control on, that is for an app without driftguard's tags. */
  public boolean isOnBySettings(Control control) {
    return effectiveConfigured(control).mode() != Mode.OFF;
  }

  /** The mode from settings alone, within the control's risk and opt-in default: what an untagged app gets. */
  public ModeDecision effectiveConfigured(Control control) {
    return withinRisk(control, configured(control), Optional.empty(), Optional.empty());
  }

  /**
   * Opt-in controls stay off unless their own setting or a tag names them; guarded ones fix only when their own
   * setting or the {@link #AUTOFIX_TAG} asks; report-only ones never fix.
   */
  private ModeDecision withinRisk(Control control, ModeDecision resolved, Optional<String> enableTag,
                                  Optional<String> autofixTag) {
    String id = control.id();
    boolean fixAsked = autofixTag.filter(tag -> lists(tag, id)).isPresent();
    boolean enabled = controlModes.containsKey(id) || fixAsked || enableTag.filter(tag -> lists(tag, id)).isPresent();
    if (control.optIn() && !enabled) {
      // Not even exempted: a control nobody turned on costs no read.
      return new ModeDecision(Mode.OFF, "opt-in: off unless " + settingName(id) + " or tag " + ENABLE_TAG + " turns it on");
    }
    if (resolved.mode() == Mode.OFF) {
      return resolved;
    }
    ModeDecision wanted = fixAsked ? new ModeDecision(Mode.AUTOFIX, "tag " + AUTOFIX_TAG) : resolved;
    if (wanted.mode() != Mode.AUTOFIX) {
      return wanted;
    }
    return switch (control.risk()) {
      case SAFE -> wanted;
      case GUARDED -> fixAsked || controlModes.get(id) == Mode.AUTOFIX ? wanted
          : new ModeDecision(Mode.NOTIFY, "guarded: notify unless " + settingName(id) + "=autofix or tag " + AUTOFIX_TAG
              + " asks for the fix (" + wanted.source() + " says autofix)");
      case REPORT_ONLY -> new ModeDecision(Mode.NOTIFY, "report-only: no fix exists (" + wanted.source() + " says autofix)");
    };
  }

  /** {@code DRIFTGUARD_RULE_MIN_TLS} for {@code min-tls}. */
  public static String settingName(String controlId) {
    return "DRIFTGUARD_RULE_" + controlId.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** The mode without exemptions: a {@code driftguard-mode} tag that chooses notify or autofix, else settings. */
  private ModeDecision normalMode(Control control, SiteState site) {
    Optional<String> tagged = site.tag(MODE_TAG).filter(value -> !isOff(value));
    if (tagged.isEmpty()) {
      return configured(control);
    }
    try {
      return new ModeDecision(Mode.parse(tagged.get()), "tag " + MODE_TAG);
    } catch (IllegalArgumentException e) {
      return new ModeDecision(Mode.NOTIFY, "tag " + MODE_TAG + " is unreadable ('" + Printable.abbreviate(tagged.get()) + "'), so notify");
    }
  }

  /** {@code driftguard-exempt=<value>} listing the control, else {@code driftguard-mode=off}, as the tag reads. */
  private static Optional<String> exemptingTag(Control control, SiteState site) {
    return site.tag(EXEMPT_TAG).filter(value -> lists(value, control.id())).map(value -> EXEMPT_TAG + "=" + value)
        .or(() -> site.tag(MODE_TAG).filter(ModePolicy::isOff).map(value -> MODE_TAG + "=" + value));
  }

  private static boolean isOff(String modeTag) {
    return modeTag.trim().equalsIgnoreCase(Mode.OFF.label());
  }

  /** The first instant the exemption no longer holds, or empty when the tag is not one of the readable forms. */
  static Optional<Instant> expiry(String until) {
    String text = until.trim();
    if (text.length() > MAX_UNTIL_LENGTH) {
      return Optional.empty();
    }
    String local = OFFSET.matcher(text).replaceFirst("");
    Function<String, Instant> form;
    if (DATE.matcher(text).matches()) {
      form = date -> LocalDate.parse(date).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    } else if (DATE_TIME.matcher(local).matches()) {
      form = local.equals(text)
          ? dateTime -> LocalDateTime.parse(dateTime).toInstant(ZoneOffset.UTC)
          : dateTime -> OffsetDateTime.parse(dateTime).toInstant();
    } else {
      return Optional.empty();
    }
    try {
      return Optional.of(form.apply(text));
    } catch (DateTimeException e) {
      // 2026-02-30, 25:00, an offset beyond +18:00: not a day or time
      return Optional.empty();
    }
  }

  /** Tag values are written by app owners and end up in alerts and logs: no control characters. */
  private static boolean lists(String tagValue, String controlId) {
    return Arrays.stream(tagValue.split(","))
        .map(String::trim)
        .anyMatch(id -> id.equalsIgnoreCase(controlId) || id.equalsIgnoreCase("all"));
  }
}
