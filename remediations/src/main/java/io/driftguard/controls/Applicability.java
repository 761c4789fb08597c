package io.driftguard.controls;

import io.driftguard.resource.HostingModel;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a control applies: every hosting model but those named, each with the reason the setting does not exist there
 * (e.g. {@code Flex Consumption has no FTP}). A control that does not apply is not judged, read or written on that
 * model; the decision lists it as not applicable with the reason.
 */
public final class Applicability {

  /** Applies to every hosting model. */
  public static final Applicability EVERYWHERE = new Applicability(new EnumMap<>(HostingModel.class));

  private final Map<HostingModel, String> exclusions;

  private Applicability(EnumMap<HostingModel, String> exclusions) {
    this.exclusions = Collections.unmodifiableMap(exclusions);
  }

  /** This applicability, and not on {@code models}, for {@code reason}. */
  public Applicability except(String reason, HostingModel... models) {
    EnumMap<HostingModel, String> more = new EnumMap<>(HostingModel.class);
    more.putAll(exclusions);
    for (HostingModel model : models) {
      more.put(model, reason);
    }
    return new Applicability(more);
  }

  /** Why the control does not apply on {@code model}; empty where it applies. */
  public Optional<String> notApplicableOn(HostingModel model) {
    return Optional.ofNullable(exclusions.get(model));
  }

  /** The models it does not apply on, in the order of {@link HostingModel}, each with its reason. */
  public Map<HostingModel, String> exclusions() {
    return exclusions;
  }
}
