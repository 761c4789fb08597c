package io.driftguard.controls;

import io.driftguard.resource.SiteRef;

/** Azure CLI command prefixes for the manual fixes quoted in decisions and alerts. */
final class CliCommands {

  private CliCommands() {}

  static String functionApp(String subcommand, SiteRef site) {
    return "az functionapp " + subcommand + " --subscription " + site.subscriptionId()
        + " -g " + site.resourceGroup() + " -n " + site.site()
        + site.slot().map(slot -> " --slot " + slot).orElse("");
  }
}
