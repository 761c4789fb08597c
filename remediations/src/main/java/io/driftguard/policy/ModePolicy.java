package io.driftguard.policy;

import io.driftguard.controls.Control;
import io.driftguard.controls.Risk;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.SiteState;
import io.driftguard.text.Printable;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves the mode of a control on an app. The most specific word wins:
 * tag {@code driftguard-exempt} (control ids) &gt; tag {@code driftguard-mode} &gt; {@code DRIFTGUARD_RULE_<ID>} &gt;
 * {@code DRIFTGUARD_MODE}. An unreadable tag value means {@code notify}: never a write the owner did not ask for.
 *
 * <p>A tag may lower a mode, never raise it on its own: a tag that asks for a fix settings would not write gets
 * {@code notify} (and says so) unless {@link TagOptIn} ({@code DRIFTGUARD_TAG_OPT_IN}) lets tags turn on that
 * control's fix. driftguard's own function app and its slots are judged and reported, never written.
 *
 * <p>Two tags exempt a control: {@code driftguard-exempt} listing it (or {@code all}) and {@code driftguard-mode=off}.
 * An exemption is never silent: the control is still evaluated and its findings recorded as exempted; one without a
 * reason and a bounded expiry stops fixes but is reported in notify mode ({@link Exemption}). {@link TagExemptions}
 * lets settings report or ignore the tags instead.
 */
public final class ModePolicy {

  public static final String MODE_TAG = Exemption.MODE_TAG;
  public static final String EXEMPT_TAG = Exemption.EXEMPT_TAG;
  public static final String EXEMPT_UNTIL_TAG = Exemption.EXEMPT_UNTIL_TAG;
  public static final String EXEMPT_REASON_TAG = Exemption.EXEMPT_REASON_TAG;
  /** The setting that lets tags ask for fixes; named in what a tag asked for and did not get. */
  public static final String TAG_OPT_IN_SETTING = "DRIFTGUARD_TAG_OPT_IN";
  /**
   * How a mode's source names who wrote the app's exemption tags ({@code tagWriter}, as {@link #effective} was given
   * it): the one clause of the source that differs between the tag's own write and later ones.
   */
  public static String tagWriterClause(String tagWriter) {
    return ", written by " + Printable.abbreviate(tagWriter);
  }

  /** Who wrote an exemption, when no write is at hand: the audit trail names the writer of the write that carried it. */
  private static final String WRITER_IN_THE_AUDIT_TRAIL = "whoever the audit trail names (no write at hand: see "
      + "'driftguard history')";
  /** How far ahead an exemption's expiry may lie, unless an administrator says otherwise. */
  public static final Duration DEFAULT_EXEMPTION_HORIZON = Duration.ofDays(90);

  private final Mode globalMode;
  private final Map<String, Mode> controlModes;
  private final TagExemptions tagExemptions;
  private final TagOptIn tagOptIn;
  private final Optional<Duration> exemptionHorizon;
  private final Optional<String> ownSiteKey;
  private final Clock clock;

  /** With the defaults for tags: no tag may ask for a fix, exemptions governed with a 90-day horizon. */
  public ModePolicy(Mode globalMode, Map<String, Mode> controlModes, TagExemptions tagExemptions, Clock clock) {
    this(globalMode, controlModes, tagExemptions, TagOptIn.NONE, Optional.of(DEFAULT_EXEMPTION_HORIZON),
        Optional.empty(), clock);
  }

  /**
   * @param exemptionHorizon the furthest an exemption's expiry may lie; empty: exemptions need no reason nor expiry
   * @param ownSite driftguard's own function app, whose site and slots are never written
   */
  public ModePolicy(Mode globalMode, Map<String, Mode> controlModes, TagExemptions tagExemptions, TagOptIn tagOptIn,
                    Optional<Duration> exemptionHorizon, Optional<SiteRef> ownSite, Clock clock) {
    this.globalMode = globalMode;
    this.controlModes = Map.copyOf(controlModes);
    this.tagExemptions = tagExemptions;
    this.tagOptIn = tagOptIn;
    this.exemptionHorizon = exemptionHorizon;
    this.ownSiteKey = ownSite.map(ModePolicy::siteKey);
    this.clock = clock;
  }

  /** The mode from settings alone, before the app's tags are known. */
  public ModeDecision configured(Control control) {
    Mode controlMode = controlModes.get(control.id());
    return controlMode != null
        ? new ModeDecision(controlMode, settingName(control.id()))
        : new ModeDecision(globalMode, "DRIFTGUARD_MODE");
  }

  /** The mode the app's tags and the settings choose, before the control's risk and the limits on tags apply. */
  public ModeDecision resolve(Control control, SiteState site) {
    return resolution(control, site, Optional.empty()).decision();
  }

  /** A resolved mode, and whether an exemption that does not silence still stops fixes. */
  private record Resolution(ModeDecision decision, boolean fixesStopped) {
    Resolution(ModeDecision decision) {
      this(decision, false);
    }
  }

  private Resolution resolution(Control control, SiteState site, Optional<String> tagWriter) {
    if (tagExemptions == TagExemptions.IGNORE) {
      return new Resolution(configured(control));
    }
    ModeDecision normal = normalMode(control, site);
    Optional<Exemption> exemption = Exemption.of(control, site, tagWriter);
    if (exemption.isEmpty() || normal.mode() == Mode.OFF) {
      // Off by settings: an administrator's decision, not an exemption, and nothing is read.
      return new Resolution(normal);
    }
    if (tagExemptions == TagExemptions.REPORT) {
      return new Resolution(normal.noting(exemption.get().describe() + ": not honoured, DRIFTGUARD_TAG_EXEMPTIONS=report"));
    }
    Exemption.Judgement judgement = exemption.get().judge(clock.instant(), exemptionHorizon);
    return switch (judgement.standing()) {
      case HOLDS -> new Resolution(
          new ModeDecision(Mode.OFF, judgement.text(), true, judgement.until().orElse(null)));
      case UNGOVERNED -> new Resolution(new ModeDecision(Mode.NOTIFY, judgement.text()), true);
      case EXPIRED, VOID -> new Resolution(normal.noting(judgement.text()));
    };
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

  /**
   * The mode in force for a control on an app read without a write at hand (for {@code explain}): an exemption's writer
   * is whoever the write that carried the tags named, recorded in the audit trail.
   */
  public ModeDecision effective(Control control, SiteState site) {
    return effective(control, site, WRITER_IN_THE_AUDIT_TRAIL);
  }

  /**
   * The mode in force for a control on an app: {@link #resolve} within the control's risk and opt-in default, what
   * tags may ask for, and never a fix of driftguard's own app. {@code tagWriter}: who wrote the app's tags, where the
   * write being handled set them, named with an exemption.
   */
  public ModeDecision effective(Control control, SiteState site, String tagWriter) {
    boolean tagsCount = tagExemptions != TagExemptions.IGNORE;
    Resolution resolved = resolution(control, site, Optional.of(tagWriter));
    ModeDecision withinRisk = withinRisk(control, resolved, site.tag(ENABLE_TAG).filter(tag -> tagsCount),
        site.tag(AUTOFIX_TAG).filter(tag -> tagsCount));
    return notOwnApp(site, withinTagOptIn(control, withinRisk));
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
    return withinRisk(control, new Resolution(configured(control)), Optional.empty(), Optional.empty());
  }

  /**
   * The most an app's tags can get for a control: {@code autofix} where settings fix it anyway or
   * {@code DRIFTGUARD_TAG_OPT_IN} lets tags ask for its fix, else {@code notify} (tags may always turn a control to
   * notify or exempt it); where tags are ignored, what settings say.
   */
  public ModeDecision mostATagCanGet(Control control) {
    ModeDecision bySettings = effectiveConfigured(control);
    if (tagExemptions == TagExemptions.IGNORE) {
      return new ModeDecision(bySettings.mode(), "tags ignored: DRIFTGUARD_TAG_EXEMPTIONS=ignore");
    }
    if (control.risk() == Risk.REPORT_ONLY) {
      return new ModeDecision(Mode.NOTIFY, "report-only: no fix exists");
    }
    if (bySettings.mode() == Mode.AUTOFIX) {
      return new ModeDecision(Mode.AUTOFIX, "settings fix it anyway (" + bySettings.source() + ")");
    }
    return tagOptIn.allows(control)
        ? new ModeDecision(Mode.AUTOFIX, TAG_OPT_IN_SETTING + "=" + tagOptIn.label())
        : new ModeDecision(Mode.NOTIFY, "a tag asking for autofix gets notify: " + TAG_OPT_IN_SETTING + "="
            + tagOptIn.label());
  }

  /**
   * Opt-in controls stay off unless their own setting or a tag names them; guarded ones fix only when their own
   * setting or the {@link #AUTOFIX_TAG} asks; report-only ones never fix; an ungoverned exemption's control never.
   */
  private ModeDecision withinRisk(Control control, Resolution resolution, Optional<String> enableTag,
                                  Optional<String> autofixTag) {
    String id = control.id();
    ModeDecision resolved = resolution.decision();
    boolean autofixListed = autofixTag.filter(tag -> Exemption.lists(tag, id)).isPresent();
    boolean fixAsked = autofixListed && !resolution.fixesStopped();
    boolean enabled = controlModes.containsKey(id) || autofixListed
        || enableTag.filter(tag -> Exemption.lists(tag, id)).isPresent();
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

  /**
   * A fix settings alone would not write is a tag's doing: it stands only where {@code DRIFTGUARD_TAG_OPT_IN} lets tags
   * ask for this control's fix; otherwise the control is reported, and the decision says what the tag asked for.
   */
  private ModeDecision withinTagOptIn(Control control, ModeDecision decided) {
    if (decided.mode() != Mode.AUTOFIX || tagOptIn.allows(control)) {
      return decided;
    }
    ModeDecision bySettings = effectiveConfigured(control);
    if (bySettings.mode() == Mode.AUTOFIX) {
      return decided;
    }
    return new ModeDecision(Mode.NOTIFY, "a tag asked for more than it got: autofix (" + decided.source()
        + "), granted notify: " + TAG_OPT_IN_SETTING + "=" + tagOptIn.label() + " lets no tag turn on the fix of "
        + control.id() + " (settings alone: " + bySettings.mode().label() + ", " + bySettings.source() + ")");
  }

  /** driftguard's own app and its slots: a fix there could cut its own event delivery, so it is reported only. */
  private ModeDecision notOwnApp(SiteState site, ModeDecision decided) {
    if (decided.mode() != Mode.AUTOFIX || !ownSiteKey.equals(Optional.of(siteKey(site.ref())))) {
      return decided;
    }
    return new ModeDecision(Mode.NOTIFY, decided.source() + ", but driftguard's own function app is judged and reported,"
        + " never written (a fix could cut its own event delivery)");
  }

  /** The app's own key, for the app and each of its slots alike (ARM ids ignore case). */
  private static String siteKey(SiteRef site) {
    return SiteRef.site(site.subscriptionId(), site.resourceGroup(), site.site()).key();
  }

  /** {@code DRIFTGUARD_RULE_MIN_TLS} for {@code min-tls}. */
  public static String settingName(String controlId) {
    return "DRIFTGUARD_RULE_" + controlId.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** The mode without exemptions: a {@code driftguard-mode} tag that chooses notify or autofix, else settings. */
  private ModeDecision normalMode(Control control, SiteState site) {
    Optional<String> tagged = site.tag(MODE_TAG).filter(value -> !Exemption.isOff(value));
    if (tagged.isEmpty()) {
      return configured(control);
    }
    try {
      return new ModeDecision(Mode.parse(tagged.get()), "tag " + MODE_TAG);
    } catch (IllegalArgumentException e) {
      return new ModeDecision(Mode.NOTIFY, "tag " + MODE_TAG + " is unreadable ('" + Printable.abbreviate(tagged.get()) + "'), so notify");
    }
  }
}
