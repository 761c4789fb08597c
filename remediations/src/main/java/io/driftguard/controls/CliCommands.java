package io.driftguard.controls;

import io.driftguard.resource.SiteRef;

/**
 * Azure CLI commands for the manual fixes quoted in decisions and alerts. People paste them into a shell, and names
 * come from events ({@code .(e.id.)} is a legal resource group), so every value is single-quoted.
 */
final class CliCommands {

  private CliCommands() {}

  /** {@code az functionapp SUBCOMMAND} on the site or slot, then {@code option value} pairs. */
  static String functionApp(String subcommand, SiteRef site, String option, String value) {
    return "az functionapp " + subcommand + " --subscription " + quoted(site.subscriptionId())
        + " -g " + quoted(site.resourceGroup()) + " -n " + quoted(site.site())
        + site.slot().map(slot -> " --slot " + quoted(slot)).orElse("")
        + " " + option + " " + quoted(value);
  }

  /** One shell word whatever it holds: single quotes, and an embedded quote as {@code '\''}. */
  static String quoted(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
