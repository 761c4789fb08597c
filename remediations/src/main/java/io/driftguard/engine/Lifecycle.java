package io.driftguard.engine;

import io.driftguard.engine.FindingState.Status;
import io.driftguard.engine.FindingState.Step;
import io.driftguard.intake.WriteEvent;
import io.driftguard.policy.ModePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A finding's life: opened when first seen, standing (quiet) while it stays as people were told, reminded after
 * {@code reminder}, and resolved when the control is compliant again (fixed by driftguard or a person), exempted, or the
 * app is gone. A decision's findings and the controls it judged compliant give each finding its next step
 * ({@link #steps}); a standing finding is restated (a row that says it is still open, so the stateful alert rules keep
 * its alert open, but nothing stored). The steps are kept ({@link #keep}) only once their rows went out, so an upload
 * that fails leaves them to the redelivery. A step is kept only over the state it was computed from (the store's
 * version), so an instance never overwrites a newer step; two instances racing on one app may each report it, never
 * neither.
 */
final class Lifecycle {

  /** What a decision says of an app's findings beyond the ones it found. */
  enum Reach {
    /** The app is gone: every finding is resolved. */
    SITE_GONE,
    /**
     * Every control was weighed: a finding whose control was judged compliant is resolved, one whose control is now off
     * for the app is resolved as no longer tracked, and one whose control was not judged (its document missing, not
     * applicable) stands as it was, restated.
     */
    EVERY_CONTROL,
    /** Nothing was weighed (the event was skipped or failed): findings stay as they are, unsaid. */
    NONE
  }

  private final FindingStates states;
  private final Optional<Duration> reminder;

  Lifecycle(FindingStates states, Optional<Duration> reminder) {
    this.states = states;
    this.reminder = reminder;
  }

  /** The steps of every finding {@code decision} moves, and the restatements of those it leaves standing. */
  List<Notice> steps(WriteEvent event, Decision decision, Reach reach, Instant now) {
    String resource = FindingState.resourceKey(event.site().id());
    Map<String, FindingState> stored = states.of(resource);
    boolean gone = reach == Reach.SITE_GONE;
    Set<String> rules = new TreeSet<>();
    decision.findings().forEach(finding -> rules.add(finding.rule()));
    rules.addAll(gone ? stored.keySet() : judged(decision));
    List<Notice> notices = new ArrayList<>();
    for (String rule : orderedAsDecided(decision, rules)) {
      Optional<Finding> finding = decision.findings().stream().filter(f -> f.rule().equals(rule)).findFirst();
      FindingState previous = stored.get(rule);
      if (previous != null && event.eventId().equals(previous.eventId())) {
        // A later delivery of the event that took this step: report it again (same EventId, collapsed by the queries).
        notices.add(new Notice(previous, finding));
      } else {
        next(resource, rule, Optional.ofNullable(previous), finding, gone, event, now)
            .or(() -> restated(previous, finding))
            .ifPresent(next -> notices.add(new Notice(next, finding)));
      }
    }
    if (reach == Reach.EVERY_CONTROL) {
      stored.values().stream().filter(state -> state.status() != Status.RESOLVED && !rules.contains(state.rule()))
          .forEach(state -> notices.add(new Notice(unjudged(state, decision, event, now), Optional.empty())));
    }
    return notices;
  }

  /**
   * A finding whose control the decision weighed but did not judge: resolved as no longer tracked when the control is
   * off for the app (the decision does not name it), else restated as it stands (its document missing, not
   * applicable, or a setting ARM refused: still as people were told).
   */
  private static FindingState unjudged(FindingState open, Decision decision, WriteEvent event, Instant now) {
    boolean named = decision.evaluated().stream().anyMatch(entry -> entry.startsWith(open.rule() + " "));
    return named ? standing(open) : resolved(open, FindingState.CONTROL_OFF, event, now);
  }

  /** An open finding closed without a finding of its own, by {@code by}, as the event found it at {@code now}. */
  private static FindingState resolved(FindingState open, String by, WriteEvent event, Instant now) {
    return new FindingState(open.resource(), open.rule(), Status.RESOLVED, Step.RESOLVED, open.observed(),
        open.desired(), open.mode(), "resolved", open.openedAt(), open.notifiedAt(), now, by, event.eventId(),
        open.version());
  }

  /** After the rows went out: each step kept, unless another instance moved its finding since it was read. */
  void keep(List<Notice> notices) {
    notices.stream().filter(notice -> notice.state().last() != Step.STANDING)
        .forEach(notice -> states.replace(notice.state()));
  }

  /** A finding that stands as people were told (open or exempted, found again): its state as a standing row. */
  private static Optional<FindingState> restated(FindingState previous, Optional<Finding> finding) {
    if (previous == null || previous.status() == Status.RESOLVED || finding.isEmpty()) {
      return Optional.empty();
    }
    Action action = finding.get().action();
    if (action == Action.WOULD_FIX || action == Action.WOULD_ALERT) {
      return Optional.empty();
    }
    return Optional.of(standing(previous));
  }

  private static FindingState standing(FindingState open) {
    return new FindingState(open.resource(), open.rule(), open.status(), Step.STANDING, open.observed(), open.desired(),
        open.mode(), open.action(), open.openedAt(), open.notifiedAt(), open.changedAt(), open.by(), open.eventId(),
        open.version());
  }

  /** Without stored states (storage failed): every finding as newly seen, so nobody misses one. */
  static List<Notice> untracked(WriteEvent event, Decision decision, Instant now) {
    String resource = FindingState.resourceKey(event.site().id());
    return decision.findings().stream()
        .map(finding -> new Notice(state(resource, finding, statusOf(finding.action()), stepOf(finding.action(),
            Optional.empty()), now, now, byOf(finding, event), event), Optional.of(finding)))
        .toList();
  }

  /** The next state of one finding, or none when nothing changes (standing, or compliant and never open). */
  private Optional<FindingState> next(String resource, String rule, Optional<FindingState> previous,
                                      Optional<Finding> finding, boolean gone, WriteEvent event, Instant now) {
    boolean wasDrifted = previous.map(state -> state.status() != Status.RESOLVED).orElse(false);
    if (finding.isEmpty()) {
      if (!wasDrifted) {
        return Optional.empty();
      }
      String by = gone ? FindingState.APP_DELETED : event.foundBySweep()
          ? "found compliant by sweep " + event.correlationId().orElse("") : event.caller().actor();
      return Optional.of(resolved(previous.get(), by, event, now));
    }
    Finding found = finding.get();
    Action action = found.action();
    if (action == Action.WOULD_FIX || action == Action.WOULD_ALERT) {
      return Optional.empty();
    }
    Status status = statusOf(action);
    Instant openedAt = wasDrifted ? previous.get().openedAt() : now;
    if (status == Status.RESOLVED || !previous.isPresent() || previous.get().status() != status) {
      return Optional.of(stored(state(resource, found, status, stepOf(action, previous), openedAt, now,
          byOf(found, event), event), previous));
    }
    FindingState standing = previous.get();
    boolean changed = !Objects.equals(standing.observed(), found.observed())
        || !standing.mode().equals(modeOf(found, event)) || !Objects.equals(standing.action(), action.label());
    if (changed) {
      Step step = status == Status.EXEMPTED ? Step.EXEMPTED : Step.CHANGED;
      return Optional.of(stored(state(resource, found, status, step, openedAt, now, byOf(found, event),
          event), previous));
    }
    if (status == Status.OPEN && reminder.isPresent() && !now.isBefore(standing.notifiedAt().plus(reminder.get()))) {
      return Optional.of(stored(state(resource, found, status, Step.REMINDED, openedAt, now, standing.by(),
          event), previous));
    }
    return Optional.empty();
  }

  private static Status statusOf(Action action) {
    return switch (action) {
      case FIXED -> Status.RESOLVED;
      case EXEMPTED -> Status.EXEMPTED;
      default -> Status.OPEN;
    };
  }

  /** The step to a new status: a fix resolves, an exemption exempts, a drift opens (or ends an exemption). */
  private static Step stepOf(Action action, Optional<FindingState> previous) {
    return switch (action) {
      case FIXED -> Step.RESOLVED;
      case EXEMPTED -> Step.EXEMPTED;
      default -> previous.map(FindingState::status).orElse(Status.RESOLVED) == Status.EXEMPTED
          ? Step.EXEMPTION_ENDED : Step.OPENED;
    };
  }

  private static String byOf(Finding finding, WriteEvent event) {
    return switch (finding.action()) {
      case FIXED -> "driftguard";
      case EXEMPTED -> finding.modeSource();
      default -> event.changedBy();
    };
  }

  /**
   * The mode as kept, to compare with the next event's: as rows show it, without who wrote the exemption tag, which an
   * exemption names as the event's caller when a tag write brought it and as "someone before this write" afterwards,
   * no change people must hear of.
   */
  static String modeOf(Finding finding, WriteEvent event) {
    return finding.modeText().replace(ModePolicy.tagWriterClause(event.tagWriter()), "");
  }

  private static FindingState state(String resource, Finding finding, Status status, Step step, Instant openedAt,
                                    Instant now, String by, WriteEvent event) {
    return new FindingState(resource, finding.rule(), status, step, finding.observed(), finding.desired(),
        modeOf(finding, event), finding.action().label(), openedAt, now, now, by, event.eventId(), null);
  }

  /** The state to store over {@code previous}: conditional on the version read. */
  private static FindingState stored(FindingState next, Optional<FindingState> previous) {
    return new FindingState(next.resource(), next.rule(), next.status(), next.last(), next.observed(), next.desired(),
        next.mode(), next.action(), next.openedAt(), next.notifiedAt(), next.changedAt(), next.by(), next.eventId(),
        previous.map(FindingState::version).orElse(null));
  }

  /**
   * The controls the decision judged: {@code evaluated} names a control by its id alone when it was judged, and adds
   * why when it was not (a document ARM lacks), which leaves its finding as it stands.
   */
  private static Set<String> judged(Decision decision) {
    Set<String> judged = new TreeSet<>();
    decision.evaluated().stream().filter(entry -> !entry.contains(" ")).forEach(judged::add);
    return judged;
  }

  /** The decision's findings first, in its order (the rows' order), then the resolved controls. */
  private static List<String> orderedAsDecided(Decision decision, Set<String> rules) {
    List<String> ordered = new ArrayList<>();
    decision.findings().stream().map(Finding::rule).filter(rules::contains).distinct().forEach(ordered::add);
    rules.stream().filter(rule -> !ordered.contains(rule)).forEach(ordered::add);
    return ordered;
  }
}
