package io.driftguard.sweep;

import io.driftguard.controls.Control;
import io.driftguard.controls.GraphPredicate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Resource Graph query of a sweep, built from the controls settings turn on: every function app and slot
 * ({@code resources}, kind contains {@code functionapp}) joined with its {@code config/web} row
 * ({@code appserviceresources}), flagged where a control's value is wrong or unseen, where the row is missing, or
 * where the app carries a tag that can turn on a control settings leave off.
 *
 * <p>When every such control has a predicate, only flagged apps are returned. When some read only documents Resource
 * Graph does not index (the basic-auth publishing policies), every app is returned with its flag ({@code suspect}):
 * flagged apps are confirmed at once, the others have just those documents read ({@link #readDirectly}) and are
 * confirmed only if those show drift. A control without a predicate that reads an indexed document makes every app a
 * flagged candidate. The sandbox parses exactly these shapes; change both together.
 */
public record ResourceGraphQuery(String text, List<Control> readDirectly) {

  static final String SITES = "resources\n"
      + "| where type in~ ('microsoft.web/sites', 'microsoft.web/sites/slots') and kind contains 'functionapp'\n"
      + "| extend siteKey = tolower(id)\n"
      + "| join kind=leftouter (appserviceresources"
      + " | where type in~ ('microsoft.web/sites/config', 'microsoft.web/sites/slots/config') and id endswith '/config/web'"
      + " | extend siteKey = tolower(tostring(split(id, '/config/')[0]))"
      + " | project siteKey, config = properties) on siteKey\n";
  static final String ROWS = "| project id, subscriptionId\n| order by id asc";
  static final String FLAGGED_ROWS = "| project id, subscriptionId, suspect\n| order by id asc";

  public ResourceGraphQuery {
    readDirectly = List.copyOf(readDirectly);
  }

  /**
   * @param onBySettings the controls on for an app that carries no driftguard tag
   * @param tagsThatTurnControlsOn the tags that can turn on other controls for one app (none where tags do not count)
   */
  public static ResourceGraphQuery forControls(List<Control> onBySettings, List<String> tagsThatTurnControlsOn) {
    List<String> conditions = new ArrayList<>();
    conditions.add("isnull(config)");
    tagsThatTurnControlsOn.forEach(tag -> conditions.add(GraphPredicate.tagsContain(tag).kql()));
    List<Control> direct = new ArrayList<>();
    for (Control control : onBySettings) {
      Optional<GraphPredicate> predicate = control.graphPredicate();
      if (predicate.isPresent()) {
        conditions.add(predicate.get().kql());
      } else if (control.reads().stream().noneMatch(GraphPredicate::isIndexed)) {
        direct.add(control);
      } else {
        return new ResourceGraphQuery(SITES + ROWS, List.of());
      }
    }
    String suspect = String.join(" or ", conditions);
    return direct.isEmpty() ? new ResourceGraphQuery(SITES + "| where " + suspect + "\n" + ROWS, List.of())
        : new ResourceGraphQuery(SITES + "| extend suspect = " + suspect + "\n" + FLAGGED_ROWS, direct);
  }
}
