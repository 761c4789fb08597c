package io.driftguard.sweep;

import io.driftguard.controls.Control;
import io.driftguard.controls.GraphPredicate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one Resource Graph query of a sweep, built from the enabled controls: every function app and slot
 * ({@code resources}, kind contains {@code functionapp}) joined with its {@code config/web} row
 * ({@code appserviceresources}), keeping the apps where a control's value is wrong or unseen. An app without an indexed
 * {@code config/web} row is kept, and when an enabled control reads what Resource Graph does not index, every app is.
 * The sandbox parses exactly this shape; change both together.
 */
public final class ResourceGraphQuery {

  static final String SITES = "resources\n"
      + "| where type in~ ('microsoft.web/sites', 'microsoft.web/sites/slots') and kind contains 'functionapp'\n"
      + "| extend siteKey = tolower(id)\n"
      + "| join kind=leftouter (appserviceresources"
      + " | where type in~ ('microsoft.web/sites/config', 'microsoft.web/sites/slots/config') and id endswith '/config/web'"
      + " | extend siteKey = tolower(tostring(split(id, '/config/')[0]))"
      + " | project siteKey, config = properties) on siteKey\n";
  static final String ROWS = "| project id, subscriptionId\n| order by id asc";

  private ResourceGraphQuery() {}

  /** The query for these enabled controls. */
  public static String forControls(List<Control> enabled) {
    List<String> conditions = new ArrayList<>();
    conditions.add("isnull(config)");
    for (Control control : enabled) {
      Optional<GraphPredicate> predicate = control.graphPredicate();
      if (predicate.isEmpty()) {
        return SITES + ROWS;
      }
      conditions.add(predicate.get().kql());
    }
    return SITES + "| where " + String.join(" or ", conditions) + "\n" + ROWS;
  }
}
