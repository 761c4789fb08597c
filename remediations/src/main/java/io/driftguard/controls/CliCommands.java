package io.driftguard.controls;

import io.driftguard.resource.SiteRef;

/**
 * Azure CLI command parts for the manual fixes quoted in decisions and alerts. People paste them into a shell, and
 * names come from events ({@code .(e.id.)} is a legal resource group), so every value is single-quoted.
 */
final class CliCommands {

  private CliCommands() {}

  /** The options naming a site or slot in {@code az functionapp} and {@code az webapp} commands. */
  static String target(SiteRef site) {
    return "--subscription " + quoted(site.subscriptionId()) + " -g " + quoted(site.resourceGroup())
        + " -n " + quoted(site.site()) + site.slot().map(slot -> " --slot " + quoted(slot)).orElse("");
  }

  /** One shell word whatever it holds: single quotes, and an embedded quote as {@code '\''}. */
  static String quoted(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
