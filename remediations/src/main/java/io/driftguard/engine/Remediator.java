package io.driftguard.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.controls.Control;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.controls.Evaluation;
import io.driftguard.documents.Document;
import io.driftguard.intake.EventIntake;
import io.driftguard.intake.MalformedDeliveryException;
import io.driftguard.intake.Screened;
import io.driftguard.intake.WriteEvent;
import io.driftguard.policy.Mode;
import io.driftguard.policy.ModeDecision;
import io.driftguard.policy.ModePolicy;
import io.driftguard.state.ArmException;
import io.driftguard.state.ArmGateway;
import io.driftguard.state.BoundedLruSet;
import io.driftguard.state.CallBudget;
import io.driftguard.state.SiteState;
import io.driftguard.state.StateReader;
import io.driftguard.resource.HostingModel;
import io.driftguard.resource.InvalidResourceIdException;
import io.driftguard.resource.ResourceIds;
import io.driftguard.resource.SiteRef;
import io.driftguard.text.Printable;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The engine. One direction: event -&gt; resource -&gt; state -&gt; findings -&gt; decisions -&gt; actions -&gt; record.
 * Decisions rest on a fresh read of the site, never on values carried by the event, so delivery order does not matter,
 * and a fix is written only where a value is wrong, so the bot's own writes settle instead of looping.
 */
public final class Remediator {

  private static final int REMEMBERED_EVENTS = 100_000;

  private final EventIntake intake = new EventIntake();
  private final ScopeGuard scope;
  private final StateReader reader;
  private final ArmGateway gateway;
  private final ControlCatalog controls;
  private final ModePolicy modes;
  private final FlapGuard flapGuard;
  private final AuditTrail audit;
  private final EventClaims claims;
  private final FindingsSink sink;
  private final Clock clock;
  private final Duration eventBudget;
  /**
   * The documents the controls on in settings need on each hosting model: read with the site when it is known to be a
   * function app of that model.
   */
  private final Map<HostingModel, Set<Document>> likelyNeeded = new EnumMap<>(HostingModel.class);
  private final BoundedLruSet handledEvents = new BoundedLruSet(REMEMBERED_EVENTS);
  private final RefusedSettings refusals = new RefusedSettings();
  private final Coalescer<WriteEvent, Decision> coalescer = new Coalescer<>();

  public Remediator(ScopeGuard scope, ArmGateway gateway, ControlCatalog controls, ModePolicy modes, FlapGuard flapGuard,
                    AuditTrail audit, EventClaims claims, FindingsSink sink, Clock clock, Duration eventBudget) {
    this.scope = scope;
    this.gateway = gateway;
    this.reader = new StateReader(gateway);
    this.controls = controls;
    this.modes = modes;
    this.flapGuard = flapGuard;
    this.audit = audit;
    this.claims = claims;
    this.sink = sink;
    this.clock = clock;
    this.eventBudget = eventBudget;
    for (HostingModel model : HostingModel.values()) {
      likelyNeeded.put(model, documentsOf(controls.all().stream().filter(modes::isOnBySettings)
          .filter(control -> control.applicability().notApplicableOn(model).isEmpty()).toList()));
    }
  }

  /** Starts fetching what the first evaluation needs (its ARM token) in the background: for a host warming up. */
  public void prepare() {
    gateway.prepare();
  }

  /** Handles every event of a delivery, one decision each, in order. */
  public List<Decision> handleDelivery(String delivery) throws MalformedDeliveryException {
    return intake.screen(delivery).stream().map(this::handle).toList();
  }

  public Decision handle(Screened screened) {
    long start = System.nanoTime();
    if (screened instanceof Screened.Ignored ignored) {
      return Decisions.refused(ignored.eventId(), ignored.resource(), Outcome.SKIPPED, ignored.reason(), start);
    }
    if (screened instanceof Screened.Rejected rejected) {
      return Decisions.refused(rejected.eventId(), rejected.resource(), Outcome.REJECTED, rejected.reason(), start);
    }
    return handleWrite(((Screened.Accepted) screened).event(), start);
  }

  private Decision handleWrite(WriteEvent event, long start) {
    Decisions decisions = new Decisions(event, start, new CallBudget(eventBudget));
    if (handledEvents.contains(event.eventId())) {
      return decisions.skipped("duplicate delivery of an event already handled");
    }
    Decision decision;
    try {
      decision = scope.refusal(event).map(decisions::skipped).orElseGet(() -> claimed(event, decisions));
    } catch (RuntimeException e) {
      // Not knowing who we are (token endpoint down): a later delivery may succeed.
      decision = decisions.failed(true, "could not evaluate: " + describe(e));
    }
    if (!decision.retryable()) {
      handledEvents.add(event.eventId());
    }
    return decisions.withWarnings(decision);
  }

  /**
   * Across instances, an event is claimed in Table storage before it is acted on. A duplicate finding it handled is
   * skipped; one finding it in hand elsewhere is retried later, since that instance may still fail (a crash leaves the
   * claim to expire; a retryable failure releases it). With storage down the event is handled unclaimed, and says so.
   */
  private Decision claimed(WriteEvent event, Decisions decisions) {
    // The event will be read unless another instance has it: its token is fetched while it is claimed.
    gateway.prepare();
    EventClaims.Claim claim = bestEffort(decisions, "event not claimed, another instance may handle it too",
        () -> claims.claim(event.eventId(), clock.instant()), EventClaims.Claim.CLAIMED);
    if (claim == EventClaims.Claim.DONE) {
      return decisions.skipped("duplicate delivery of an event already handled by another instance");
    }
    if (claim == EventClaims.Claim.HELD) {
      return decisions.failed(true, "another instance is handling this event now; deliver it again later");
    }
    Decision decision = coalesced(event, decisions);
    if (decision.retryable()) {
      bestEffort(decisions, "claim not released, a redelivery waits for it to expire",
          () -> claims.release(event.eventId()));
    } else {
      bestEffort(decisions, "claim not marked done, a later duplicate may be handled again",
          () -> claims.done(event.eventId()));
    }
    return decision;
  }

  /**
   * A site or slot a sweep found in a listing (its site document as listed, so it is not read again): evaluated with
   * the same controls and modes as an event, fixed and recorded unless {@code dryRun}, where nothing is written or
   * reported and each finding says what would be done. Never coalesced with events: the listing may predate their
   * writes, and a sweep evaluates each app once anyway.
   */
  public Decision reconcile(SiteRef site, JsonNode listedSite, String runId, boolean dryRun) {
    return reconcile(site, Optional.of(listedSite), runId, dryRun);
  }

  /**
   * A site or slot an index (Resource Graph) named as possibly drifted: read afresh like an event's, since the index
   * may lag, and evaluated as {@link #reconcile(SiteRef, JsonNode, String, boolean)} does.
   */
  public Decision confirmCandidate(SiteRef site, String runId, boolean dryRun) {
    return reconcile(site, Optional.empty(), runId, dryRun);
  }

  private Decision reconcile(SiteRef site, Optional<JsonNode> listedSite, String runId, boolean dryRun) {
    WriteEvent sweep = WriteEvent.sweep(site, runId, OffsetDateTime.now(clock));
    Decisions decisions = new Decisions(sweep, System.nanoTime(), new CallBudget(eventBudget));
    Optional<String> outOfScope = scope.refusal(sweep);
    if (outOfScope.isPresent()) {
      return decisions.skipped(outOfScope.get());
    }
    Decision decision = evaluate(sweep, decisions, new Basis(listedSite, dryRun));
    return dryRun ? decision : record(sweep, List.of(), decision, decisions);
  }

  /**
   * Each control's effective mode, and the setting or tag that chose it, for a site and each of its slots: one read of
   * the site and one slot listing, nothing evaluated or written.
   */
  public Map<SiteRef, Explanation> explain(SiteRef site) {
    CallBudget budget = new CallBudget(eventBudget);
    Map<SiteRef, Explanation> explained = new LinkedHashMap<>();
    SiteState state = reader.read(site, model -> Set.of(), budget);
    explained.put(site, explanation(state));
    List<JsonNode> slots = state.hostingModel().hasSlots() ? gateway.listSlots(site, budget) : List.of();
    for (JsonNode slot : slots) {
      try {
        SiteRef slotRef = ResourceIds.parse(slot.path("id").asText("")).site();
        explained.put(slotRef, explanation(StateReader.fromListing(slotRef, slot)));
      } catch (InvalidResourceIdException e) {
        // A listed id driftguard would not act on either: nothing to explain.
      }
    }
    return explained;
  }

  private Explanation explanation(SiteState state) {
    Map<Control, ModeDecision> effective = new LinkedHashMap<>();
    controls.all().forEach(control -> effective.put(control, modes.effective(control, state)));
    return new Explanation(state.hostingModel(), effective);
  }

  /**
   * A listed site a sweep will not touch (its id does not parse, or is not of the swept subscription): a failure,
   * reported as a severity-1 row unless the sweep is a dry run. Its id is hostile text, shown abbreviated.
   */
  public Decision refusedListing(String listedId, String reason, String runId, boolean dryRun) {
    String eventId = "sweep-" + runId + "-refused-" + Integer.toHexString(listedId.hashCode());
    Optional<String> shown = Optional.of(Printable.abbreviate(listedId));
    long start = System.nanoTime();
    Decision refusal = Decisions.refused(eventId, shown, Outcome.FAILED, reason, start);
    if (dryRun) {
      return refusal;
    }
    try {
      sink.publishRefusedListing(refusal, runId);
      return refusal;
    } catch (RuntimeException e) {
      return Decisions.refused(eventId, shown, Outcome.FAILED,
          reason + "; alert upload failed, nobody was told: " + describe(e), start);
    }
  }

  /** What an evaluation rests on (a fresh read, or a listing's site document) and whether it acts. */
  private record Basis(Optional<JsonNode> listedSite, boolean dryRun) {
    static final Basis FRESH_READ = new Basis(Optional.empty(), false);
  }

  /**
   * Events for an app that is being evaluated wait for the next evaluation and share it; it reads fresh state, so it
   * answers all of them. Only the event whose evaluation ran records it, naming every caller it answered.
   */
  private Decision coalesced(WriteEvent event, Decisions decisions) {
    return coalescer.run(event.site().key(), event, answered -> record(event, answered.subList(1, answered.size()),
            evaluate(event, decisions, Basis.FRESH_READ), decisions), eventBudget)
        .map(served -> served.ranByThisCaller() ? served.result() : decisions.servedBy(served.result()))
        .orElseGet(() -> decisions.failed(true, "an evaluation of this app ahead of this event outlasted its budget"));
  }

  private Decision evaluate(WriteEvent event, Decisions decisions, Basis how) {
    try {
      return remediate(event, decisions, how);
    } catch (ArmException e) {
      return e.isNotFound()
          ? decisions.skipped("the site no longer exists (" + e.getMessage() + ")")
          : decisions.failed(e.isRetryable(), e.getMessage());
    } catch (RuntimeException e) {
      // Storage or transport failures: a later delivery may succeed.
      return decisions.failed(true, "could not evaluate: " + describe(e));
    }
  }

  /** State, findings, decisions, actions. */
  private Decision remediate(WriteEvent event, Decisions decisions, Basis how) {
    SiteState state = how.listedSite()
        .map(listed -> StateReader.fromListing(event.site(), listed))
        .orElseGet(() -> reader.read(event.site(), likelyNeeded::get, decisions.usage()));
    if (!state.isFunctionApp()) {
      return decisions.skipped("not a function app (kind '" + Printable.abbreviate(state.kind()) + "')");
    }
    HostingModel hosting = state.hostingModel();
    decisions.hostingModel(hosting);
    Map<Control, ModeDecision> active = new LinkedHashMap<>();
    List<String> evaluated = new ArrayList<>();
    for (Control control : controls.all()) {
      ModeDecision mode = modes.effective(control, state);
      Optional<String> notApplicable = control.applicability().notApplicableOn(hosting)
          .or(() -> refusals.knownRefusal(event.site(), control, hosting));
      if (mode.evaluated() && notApplicable.isPresent()) {
        evaluated.add(control.id() + Decisions.NOT_APPLICABLE + notApplicable.get() + ")");
      } else if (mode.evaluated()) {
        active.put(control, mode);
      }
    }
    if (active.isEmpty()) {
      return evaluated.isEmpty() ? decisions.skipped("every control is off for this app")
          : decisions.notApplicable(evaluated, "no control on for this app applies on " + hosting);
    }
    state = reader.complete(state, documentsOf(active.keySet()), decisions.usage());

    List<Finding> findings = new ArrayList<>();
    FixPlan plan = new FixPlan();
    for (Map.Entry<Control, ModeDecision> entry : active.entrySet()) {
      Control control = entry.getKey();
      Evaluation evaluation = control.evaluate(state::resource);
      evaluated.add(evaluation.judged() ? control.id() : control.id() + " (not judged: " + evaluation.observed() + ")");
      if (!evaluation.compliant()) {
        // An exempt control is never fixed; its finding reads exempted in a dry run too.
        Finding finding = how.dryRun() && !entry.getValue().exempt()
            ? Finding.of(control, evaluation, entry.getValue(), event.site(), hosting).wouldBeHandled()
            : decide(event, control, evaluation, entry.getValue(), hosting, decisions);
        findings.add(finding);
        if (finding.action() == Action.FIXED) {
          plan.add(control, evaluation);
        }
      }
    }
    Optional<ArmException> retryableFailure = apply(event, state, plan, findings, decisions, hosting);
    if (!how.dryRun()) {
      findings.addAll(earlierFixes(event, findings, decisions));
    }
    return decisions.evaluated(evaluated, findings, retryableFailure);
  }

  /**
   * The mode says fix or report; a fix that someone keeps reverting is paused instead. Without storage flapping cannot
   * be counted: the fix goes ahead, never blocked by storage, and the decision says it was not checked.
   */
  private Finding decide(WriteEvent event, Control control, Evaluation evaluation, ModeDecision mode,
                         HostingModel hosting, Decisions decisions) {
    Finding finding = Finding.of(control, evaluation, mode, event.site(), hosting);
    if (mode.mode() != Mode.AUTOFIX) {
      return finding;
    }
    FlapGuard.Verdict verdict = bestEffort(decisions, "flapping not checked for " + control.id() + ", fixed anyway",
        () -> flapGuard.beforeFix(event.site(), control.id(), clock.instant()), FlapGuard.Verdict.ALLOW);
    if (verdict.allowed()) {
      return finding.fixing(evaluation);
    }
    return verdict.started() ? finding.backedOff(verdict.explanation())
        : finding.pausedUntil(verdict.until(), verdict.explanation());
  }

  /** Writes each document's sparse fix and checks ARM's answer; a fix counts only if the new value is right. */
  private Optional<ArmException> apply(WriteEvent event, SiteState state, FixPlan plan, List<Finding> findings,
                                       Decisions decisions, HostingModel hosting) {
    Optional<ArmException> retryableFailure = Optional.empty();
    // Every intent is recorded before any write leaves; then the documents are written at once.
    for (Document document : plan.bodies().keySet()) {
      List<Control> fixed = plan.controlsFixedBy(document);
      List<Finding> intended = findings.stream()
          .filter(finding -> fixed.stream().anyMatch(control -> control.id().equals(finding.rule()))).toList();
      bestEffort(decisions, "fix intent not recorded, a lost answer from ARM would go unreported",
          () -> audit.intend(event, intended));
    }
    Map<Document, StateReader.Written> written = withoutRefusedSettings(event, hosting, plan, findings,
        reader.writeAll(event.site(), plan.bodies(), decisions.usage()), decisions);
    for (Map.Entry<Document, ObjectNode> patch : plan.bodies().entrySet()) {
      List<Control> fixed = plan.controlsFixedBy(patch.getKey());
      try {
        StateReader.Written outcome = written.get(patch.getKey());
        if (outcome.failure().isPresent()) {
          throw outcome.failure().get();
        }
        Optional<JsonNode> answer = outcome.answer();
        for (Control control : fixed) {
          Optional<Evaluation> after = answer.map(resource -> control.evaluate(
              document -> document.equals(patch.getKey()) ? resource : state.resource(document)));
          if (after.isPresent() && !after.get().compliant()) {
            markFailed(findings, control, "ARM accepted the write but the value is still " + after.get().observed());
          } else {
            bestEffort(decisions, "fix of " + control.id() + " not counted for flapping",
                () -> flapGuard.fixed(event.site(), control.id(), clock.instant(), event.caller().actor()));
          }
        }
      } catch (ArmException e) {
        if (e.isNotFound()) {
          throw e;
        }
        fixed.forEach(control -> markFailed(findings, control, e.getMessage()));
        if (e.isRetryable()) {
          retryableFailure = Optional.of(e);
        }
      }
    }
    return retryableFailure;
  }

  /**
   * Where ARM refused a write for a property this kind of site does not take, the controls that wrote it are reported
   * as refused and remembered, and the rest of that document's fix is written again without them. Returns the
   * outcome of each document still in {@code plan}.
   */
  private Map<Document, StateReader.Written> withoutRefusedSettings(WriteEvent event, HostingModel hosting,
      FixPlan plan, List<Finding> findings, Map<Document, StateReader.Written> written, Decisions decisions) {
    Map<Document, StateReader.Written> outcomes = new LinkedHashMap<>(written);
    for (Map.Entry<Document, StateReader.Written> outcome : written.entrySet()) {
      Document document = outcome.getKey();
      Optional<ArmException> failure = outcome.getValue().failure();
      List<String> properties = new ArrayList<>();
      plan.bodies().get(document).fieldNames().forEachRemaining(properties::add);
      Set<String> refused = failure.map(e -> RefusedSettings.refusedProperties(e, properties)).orElse(Set.of());
      if (refused.isEmpty()) {
        continue;
      }
      for (Control control : plan.withdraw(document, refused)) {
        refusals.remember(event.site(), control, hosting, failure.get().getMessage(), clock.instant());
        findings.replaceAll(finding -> finding.rule().equals(control.id())
            ? finding.refusedByArm("ARM refuses this setting on this app (" + hosting + "); driftguard will not try "
                + "again until the app's hosting model changes: " + failure.get().getMessage())
            : finding);
      }
      outcomes.remove(document);
      if (plan.bodies().containsKey(document)) {
        outcomes.putAll(reader.writeAll(event.site(), Map.of(document, plan.bodies().get(document)),
            decisions.usage()));
      }
    }
    return outcomes;
  }

  /**
   * Fixes an earlier delivery of this event made, whose report may not have gone out: reported again, same key. This
   * includes a fix it intended whose answer from ARM was lost: the control being compliant now, the write landed.
   */
  private List<Finding> earlierFixes(WriteEvent event, List<Finding> findings, Decisions decisions) {
    Set<String> fresh = findings.stream().map(Finding::rule).collect(Collectors.toSet());
    return bestEffort(decisions, "fixes of earlier deliveries not looked up",
            () -> audit.earlierFindings(event.eventId()), List.<Finding>of()).stream()
        .filter(earlier -> earlier.action() == Action.FIXED && !fresh.contains(earlier.rule()))
        .toList();
  }

  /**
   * The audit entry (best effort: a storage outage must not silence alerts) and the alert rows go out before the event
   * is acknowledged; if the alert rows cannot, nobody was told, so the event fails and is delivered again.
   * {@code alsoAnswered}: the other events this evaluation answers (coalesced), whose callers the alert names too.
   */
  private Decision record(WriteEvent event, List<WriteEvent> alsoAnswered, Decision decision, Decisions decisions) {
    if (decision.retryable()) {
      return decision;
    }
    if (!decision.findings().isEmpty()) {
      bestEffort(decisions, "audit trail not written", () -> audit.record(event, decision));
    }
    Decision recorded = decisions.withWarnings(decision);
    try {
      if (!recorded.findings().isEmpty() || recorded.outcome() == Outcome.FAILED) {
        sink.publish(event, alsoAnswered, recorded);
      }
      return recorded;
    } catch (RuntimeException e) {
      return Decisions.retryLater(recorded, "alert upload failed, nobody was told: " + describe(e)
          + "; the event fails so that Event Grid delivers it again");
    }
  }

  /** A Table storage call that must not stop the event: without it, {@code without} is said in the decision. */
  private static <T> T bestEffort(Decisions decisions, String without, Supplier<T> call, T fallback) {
    if (decisions.storageFailed()) {
      decisions.skippedStorage(without);
      return fallback;
    }
    try {
      return call.get();
    } catch (RuntimeException e) {
      decisions.storageFailed(without, e);
      return fallback;
    }
  }

  private static void bestEffort(Decisions decisions, String without, Runnable call) {
    bestEffort(decisions, without, () -> {
      call.run();
      return null;
    }, null);
  }

  private static void markFailed(List<Finding> findings, Control control, String why) {
    findings.replaceAll(finding -> finding.rule().equals(control.id()) ? finding.failed(why) : finding);
  }

  private static Set<Document> documentsOf(Collection<Control> selected) {
    Set<Document> documents = new LinkedHashSet<>();
    selected.forEach(control -> documents.addAll(control.reads()));
    return documents;
  }

  static String describe(RuntimeException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + Printable.abbreviate(e.getMessage());
  }
}
