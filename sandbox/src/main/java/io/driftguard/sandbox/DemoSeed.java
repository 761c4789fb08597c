package io.driftguard.sandbox;

import java.util.Map;

/** A small estate for the demo: function apps that drifted, one that did not, and a web app the bot must ignore. */
final class DemoSeed {
  static final String SUBSCRIPTION_ID = "7c1b5e2a-0d3f-4a61-9b8e-2f4d6a8c0e11";
  private static final String GROUP = "rg-driftguard-demo";

  private DemoSeed() {}

  static void seed(FakeArm arm) {
    Map<String, String> tags = Map.of("env", "demo", "owner", "platform-team");
    arm.seedSite(SUBSCRIPTION_ID, GROUP, "func-orders", "functionapp,linux", tags, false, Map.of(
        "ftpsState", "AllAllowed", "minTlsVersion", "1.0", "remoteDebuggingEnabled", true,
        "remoteDebuggingVersion", "VS2022"));
    arm.seedSlot(SUBSCRIPTION_ID, GROUP, "func-orders", "staging", false, Map.of(
        "ftpsState", "AllAllowed", "scmMinTlsVersion", "1.1"));
    arm.seedSite(SUBSCRIPTION_ID, GROUP, "func-billing", "functionapp", tags, true, Map.of(
        "ftpsState", "Disabled", "http20Enabled", true));
    arm.seedSite(SUBSCRIPTION_ID, GROUP, "web-portal", "app", tags, false, Map.of("ftpsState", "AllAllowed"));
  }
}
