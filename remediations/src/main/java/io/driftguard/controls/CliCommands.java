package io.driftguard.controls;

import io.driftguard.resource.SiteRef;

/** Azure CLI command parts for the manual fixes quoted in decisions and alerts. */
final class CliCommands {

  private CliCommands() {}

  /** The options naming a site or slot in {@code az functionapp} and {@code az webapp} commands. */
  static String target(SiteRef site) {
    return "--subscription " + site.subscriptionId() + " -g " + site.resourceGroup() + " -n " + site.site()
        + site.slot().map(slot -> " --slot " + slot).orElse("");
  }

  /** A value as one shell word: in single quotes, a quote inside written as {@code '\''}. */
  static String quoted(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
