package io.driftguard.engine;

import io.driftguard.controls.Control;
import io.driftguard.resource.HostingModel;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.ArmException;
import io.driftguard.state.BoundedLruMap;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * ARM's refusals of a setting for a kind of site, as knowledge: a 400 that names a written property and the hosting
 * model (Flex Consumption's "(Site.SiteConfig.FtpsState) for Flex Consumption sites is invalid", Container Apps'
 * "FtpsState is not supported for Azure Functions on Azure Container apps", ...) is remembered for that app and
 * control, and the control is not tried again on that app until its hosting model changes. Kept per instance, in
 * memory: another instance, or a restart, learns it again with one refused write.
 */
final class RefusedSettings {

  private static final int REMEMBERED = 50_000;

  /**
   * How ARM names a hosting model in its refusals: the two families recorded, and the models' own words for a 400
   * that names the property and the model some other way.
   */
  private static final List<String> MODEL_WORDS = List.of("flex consumption", "azure container apps",
      "container app", "consumption", "kubernetes", "app service environment", "workflow", "logic app");

  /** One refusal: on which hosting model, what ARM said, and when. */
  record Refusal(HostingModel model, String message, Instant at) {}

  private final BoundedLruMap<Refusal> refused = new BoundedLruMap<>(REMEMBERED);

  /**
   * Why {@code control} is not tried on {@code site}: ARM refused its setting there on this same hosting model. A
   * refusal on another model is forgotten: the app moved, ARM may take it now.
   */
  Optional<String> knownRefusal(SiteRef site, Control control, HostingModel model) {
    String key = key(site, control);
    Optional<Refusal> known = refused.get(key);
    if (known.isPresent() && known.get().model() != model) {
      refused.remove(key);
      return Optional.empty();
    }
    return known.map(refusal -> "ARM refuses this setting on this app (" + refusal.model() + ", since "
        + refusal.at() + "): " + refusal.message());
  }

  void remember(SiteRef site, Control control, HostingModel model, String message, Instant at) {
    refused.put(key(site, control), new Refusal(model, message, at));
  }

  /**
   * The properties of {@code written} that ARM's answer refuses for this kind of site: a 400 whose message names the
   * hosting model and the property ({@code Site.SiteConfig.FtpsState}, {@code FtpsState is invalid}, any case);
   * empty for any other failure.
   */
  static Set<String> refusedProperties(ArmException failure, Collection<String> written) {
    String message = failure.getMessage() == null ? "" : failure.getMessage().toLowerCase(Locale.ROOT);
    if (failure.status() != 400 || MODEL_WORDS.stream().noneMatch(message::contains)) {
      return Set.of();
    }
    return written.stream()
        .filter(property -> Pattern.compile("(^|[^a-z0-9])" + Pattern.quote(property.toLowerCase(Locale.ROOT))
            + "($|[^a-z0-9])").matcher(message).find())
        .collect(Collectors.toSet());
  }

  private static String key(SiteRef site, Control control) {
    return site.key() + "|" + control.id();
  }
}
