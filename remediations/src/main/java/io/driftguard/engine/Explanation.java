package io.driftguard.engine;

import io.driftguard.controls.Control;
import io.driftguard.policy.ModeDecision;
import io.driftguard.resource.HostingModel;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** For one app or slot: how it is hosted, and each control's effective mode with the setting or tag that chose it. */
public record Explanation(HostingModel hostingModel, Map<Control, ModeDecision> modes) {

  public Explanation {
    // In the catalog's order, as explain prints them.
    modes = Collections.unmodifiableMap(new LinkedHashMap<>(modes));
  }
}
