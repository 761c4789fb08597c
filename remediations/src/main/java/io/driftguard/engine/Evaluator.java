package io.driftguard.engine;

import io.driftguard.controls.Control;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.controls.Evaluation;
import io.driftguard.documents.Document;
import io.driftguard.policy.ModeDecision;
import io.driftguard.policy.ModePolicy;
import io.driftguard.resource.HostingModel;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.CallBudget;
import io.driftguard.state.SiteDocuments;
import io.driftguard.state.SiteState;
import io.driftguard.state.StateReader;
import io.driftguard.text.Printable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The second stage: from a site to what is wrong with it. It reads the site (with the documents the controls on in
 * settings likely need), resolves each control's mode from settings and tags, reads what the controls in force still
 * need, and lets each judge the fresh state: never values from the event, so delivery order does not matter.
 */
final class Evaluator {

  /** What an evaluation found: a reason to go no further, or the controls judged. */
  sealed interface Assessment {}

  /**
   * Nothing to judge: not a function app, every control off, or every control on not applicable on the app's hosting
   * model ({@code evaluated} then says why, each). {@code weighed}: every control's mode was weighed for the app (it
   * is a function app), so a control {@code evaluated} does not name is off for it.
   */
  record Skip(String reason, List<String> evaluated, boolean weighed) implements Assessment {
    Skip(String reason) {
      this(reason, List.of(), false);
    }
  }

  /** The state judged, each control in force as {@code evaluated} names it, and the ones that are wrong. */
  record Judged(SiteState state, List<String> evaluated, List<Drift> drifts) implements Assessment {}

  /** A control in force whose verdict is not compliant, and the mode that says what to do about it. */
  record Drift(Control control, Evaluation evaluation, ModeDecision mode) {}

  private final SiteDocuments documents;
  private final ControlCatalog controls;
  private final ModePolicy modes;
  private final RefusedSettings refusals;
  /**
   * The documents the controls on in settings need on each hosting model: read with the site when it is known to be a
   * function app of that model.
   */
  private final Map<HostingModel, Set<Document>> likelyNeeded = new EnumMap<>(HostingModel.class);

  Evaluator(SiteDocuments documents, ControlCatalog controls, ModePolicy modes, RefusedSettings refusals) {
    this.documents = documents;
    this.controls = controls;
    this.modes = modes;
    this.refusals = refusals;
    for (HostingModel model : HostingModel.values()) {
      likelyNeeded.put(model, documentsOf(controls.all().stream().filter(modes::isOnBySettings)
          .filter(control -> control.applicability().notApplicableOn(model).isEmpty()).toList()));
    }
  }

  Assessment evaluate(Admitted admitted) {
    SiteRef site = admitted.event().site();
    SiteState state = admitted.listedSite()
        .map(listed -> StateReader.fromListing(site, listed))
        .orElseGet(() -> documents.read(site, likelyNeeded::get, admitted.usage()));
    if (!state.isFunctionApp()) {
      return new Skip("not a function app (kind '" + Printable.abbreviate(state.kind()) + "')");
    }
    HostingModel hosting = state.hostingModel();
    admitted.decisions().hostingModel(hosting);
    Map<Control, ModeDecision> active = new LinkedHashMap<>();
    List<String> evaluated = new ArrayList<>();
    for (Control control : controls.all()) {
      ModeDecision mode = modes.effective(control, state, admitted.event().tagWriter());
      Optional<String> notApplicable = control.applicability().notApplicableOn(hosting)
          .or(() -> refusals.knownRefusal(site, control, hosting));
      if (mode.evaluated() && notApplicable.isPresent()) {
        evaluated.add(control.id() + Decisions.NOT_APPLICABLE + notApplicable.get() + ")");
      } else if (mode.evaluated()) {
        active.put(control, mode);
      }
    }
    if (active.isEmpty()) {
      return new Skip(evaluated.isEmpty() ? "every control is off for this app"
          : "no control on for this app applies on " + hosting, evaluated, true);
    }
    state = documents.complete(state, documentsOf(active.keySet()), admitted.usage());
    List<Drift> drifts = new ArrayList<>();
    for (Map.Entry<Control, ModeDecision> entry : active.entrySet()) {
      Control control = entry.getKey();
      Evaluation evaluation = judge(control, state);
      evaluated.add(evaluation.judged() ? control.id() : control.id() + " (not judged: " + evaluation.observed() + ")");
      if (!evaluation.compliant()) {
        drifts.add(new Drift(control, evaluation, entry.getValue()));
      }
    }
    return new Judged(state, evaluated, drifts);
  }

  /**
   * How a site and each of its slots are hosted, and each control's effective mode with the setting or tag that chose
   * it: one read of the site and, where its hosting model has slots, one slot listing; nothing judged.
   */
  Map<SiteRef, Explanation> explain(SiteRef site, CallBudget budget) {
    Map<SiteRef, Explanation> explained = new LinkedHashMap<>();
    SiteState state = documents.read(site, model -> Set.of(), budget);
    explained.put(site, explanation(state));
    if (state.hostingModel().hasSlots()) {
      documents.slots(site, budget).forEach((slot, slotState) -> explained.put(slot, explanation(slotState)));
    }
    return explained;
  }

  private Explanation explanation(SiteState state) {
    Map<Control, ModeDecision> effective = new LinkedHashMap<>();
    controls.all().forEach(control -> effective.put(control, modes.effective(control, state)));
    return new Explanation(state.hostingModel(), effective);
  }

  /** A control's verdict on the state; a control that reads a document ARM lacks for this app is not judged. */
  private static Evaluation judge(Control control, SiteState state) {
    Evaluation evaluation = control.evaluate(state::resource);
    return state.lackingAny(control.reads())
        .map(why -> Evaluation.notJudged(why, evaluation.desired()))
        .orElse(evaluation);
  }

  private static Set<Document> documentsOf(Collection<Control> selected) {
    Set<Document> documents = new LinkedHashSet<>();
    selected.forEach(control -> documents.addAll(control.reads()));
    return documents;
  }
}
