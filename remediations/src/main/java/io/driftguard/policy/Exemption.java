package io.driftguard.policy;

import io.driftguard.controls.Control;
import io.driftguard.state.SiteState;
import io.driftguard.text.Printable;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One control's exemption by an app's tag, as its tags read, and how it stands on a given day. An exemption is a
 * security decision taken by whoever can tag the app, so it silences a control only when governed: with a reason
 * ({@code driftguard-exempt-reason}) and an expiry ({@code driftguard-exempt-until}) no further than the horizon. One
 * that lacks either still stops fixes (the owner asked not to be written) but is reported in notify mode.
 */
record Exemption(String tag, Optional<String> reason, Optional<String> until, Optional<String> writer) {

  static final String EXEMPT_TAG = "driftguard-exempt";
  static final String MODE_TAG = "driftguard-mode";
  static final String EXEMPT_UNTIL_TAG = "driftguard-exempt-until";
  static final String EXEMPT_REASON_TAG = "driftguard-exempt-reason";

  /**
   * The readable forms of {@code driftguard-exempt-until}: a date, or a date-time with an optional offset, always with
   * a four-digit year, so that no value (e.g. {@code +999999999-12-31}) lies beyond what a clock or Table storage
   * reaches. The length bound keeps the pattern's work small whatever the tag holds.
   */
  private static final int MAX_UNTIL_LENGTH = 40;
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern DATE_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?");
  private static final Pattern OFFSET = Pattern.compile("(Z|[+-]\\d{2}:\\d{2})$");

  /** How an exemption stands: what it does to the control, and the words that say why. */
  enum Standing {
    /** Governed and in force: the control is exempted (judged, recorded, never fixed). */
    HOLDS,
    /** Lacks a reason or a bounded expiry: never fixed, but reported in notify mode. */
    UNGOVERNED,
    /** Past its expiry: the control runs in its normal mode. */
    EXPIRED,
    /** Its expiry cannot be read: void, the control runs in its normal mode (a typo never extends an exemption). */
    VOID
  }

  /** How an exemption stands, in words, and the expiry it holds until where it holds and has one. */
  record Judgement(Standing standing, String text, Optional<Instant> until) {
    Judgement(Standing standing, String text) {
      this(standing, text, Optional.empty());
    }
  }

  /** {@code driftguard-exempt=<value>} listing the control, else {@code driftguard-mode=off}, as the tags read. */
  static Optional<Exemption> of(Control control, SiteState site, Optional<String> writer) {
    return site.tag(EXEMPT_TAG).filter(value -> lists(value, control.id())).map(value -> EXEMPT_TAG + "=" + value)
        .or(() -> site.tag(MODE_TAG).filter(Exemption::isOff).map(value -> MODE_TAG + "=" + value))
        .map(tag -> new Exemption(tag, site.tag(EXEMPT_REASON_TAG).filter(reason -> !reason.isBlank()),
            site.tag(EXEMPT_UNTIL_TAG), writer));
  }

  static boolean isOff(String modeTag) {
    return modeTag.trim().equalsIgnoreCase(Mode.OFF.label());
  }

  /** Whether a comma list of control ids from a tag names the control, or {@code all}. */
  static boolean lists(String tagValue, String controlId) {
    return Arrays.stream(tagValue.split(","))
        .map(String::trim)
        .anyMatch(id -> id.equalsIgnoreCase(controlId) || id.equalsIgnoreCase("all"));
  }

  /** The tag, its reason and who wrote it, as findings and alert rows show them (printable, abbreviated). */
  String describe() {
    return "tag " + Printable.abbreviate(tag)
        + reason.map(text -> ", reason '" + Printable.abbreviate(text) + "'").orElse(", no reason given")
        + writer.map(ModePolicy::tagWriterClause).orElse("");
  }

  /**
   * How the exemption stands at {@code now}; {@code horizon} is the furthest expiry allowed, or empty where an
   * administrator turned governance off (then neither reason nor expiry is required, as an owner's word suffices).
   */
  Judgement judge(Instant now, Optional<Duration> horizon) {
    Optional<Instant> expiry = until.flatMap(Exemption::expiry);
    if (until.isPresent() && expiry.isEmpty()) {
      return new Judgement(Standing.VOID, describe() + ": void, " + EXEMPT_UNTIL_TAG + " '"
          + Printable.abbreviate(until.get()) + "' is not an ISO date or date-time with a four-digit year");
    }
    if (expiry.isPresent() && !now.isBefore(expiry.get())) {
      return new Judgement(Standing.EXPIRED, describe() + ": expired at " + expiry.get());
    }
    String held = describe() + expiry.map(at -> ", until " + at).orElse(", no expiry (no " + EXEMPT_UNTIL_TAG + " tag)");
    if (horizon.isEmpty()) {
      return new Judgement(Standing.HOLDS, held, expiry);
    }
    Instant furthest = now.plus(horizon.get());
    List<String> lacks = new ArrayList<>();
    if (reason.isEmpty()) {
      lacks.add("a reason (" + EXEMPT_REASON_TAG + ")");
    }
    if (expiry.isEmpty()) {
      lacks.add("an expiry (" + EXEMPT_UNTIL_TAG + ")");
    } else if (expiry.get().isAfter(furthest)) {
      lacks.add("an expiry within " + horizon.get().toDays() + " days (" + EXEMPT_UNTIL_TAG + " at most " + furthest + ")");
    }
    if (lacks.isEmpty()) {
      return new Judgement(Standing.HOLDS, held, expiry);
    }
    return new Judgement(Standing.UNGOVERNED, held + ": not a governed exemption, it lacks " + String.join(" and ", lacks)
        + "; reported in notify mode, never fixed");
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
}
