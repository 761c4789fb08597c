package io.driftguard.cli;

import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SandboxOptions;
import io.driftguard.time.Ticker;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Runs driftguard against an in-process sandbox, wired exactly as in Azure (managed identity, real SDK, HTTPS). The
 * managed identity credential reads {@code IDENTITY_ENDPOINT} from the process environment only, as on App Service, so
 * such a command runs in a child JVM whose environment names the sandbox's token endpoint.
 */
final class LocalAzureRun {

  private static final String CHILD = "driftguard.local-azure.child";

  private LocalAzureRun() {}

  /** True in the child JVM, where the sandbox may be started. */
  static boolean isChild() {
    return Boolean.getBoolean(CHILD);
  }

  /**
   * Runs {@code driftguard ARGS} again in a child JVM with a token endpoint port and secret of its own, and this JVM's
   * own options (the launcher's Functions worker options, {@code JAVA_OPTS}), so the child runs as the parent was asked
   * to.
   */
  static int relaunch(String... args) throws IOException, InterruptedException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.addAll(List.of("-D" + CHILD + "=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder child = new ProcessBuilder(command).inheritIO();
    child.environment().put(Settings.IDENTITY_ENDPOINT, "http://127.0.0.1:" + port + "/msi/token");
    child.environment().put(Settings.IDENTITY_HEADER, HexFormat.of().formatHex(secret));
    return child.start().waitFor();
  }

  /** The sandbox, its token endpoint where this JVM's environment says. */
  static Sandbox startSandbox(SandboxOptions options) {
    URI identity = URI.create(System.getenv(Settings.IDENTITY_ENDPOINT));
    return Sandbox.start(options.withIdentityPort(identity.getPort())
        .withIdentityHeader(System.getenv(Settings.IDENTITY_HEADER)));
  }

  /** Settings pointing at the sandbox, plus {@code extra}. */
  static Settings settings(Sandbox sandbox, Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>(extra);
    settings.put("DRIFTGUARD_ARM_ENDPOINT", sandbox.armEndpoint().toString());
    settings.put(Settings.IDENTITY_ENDPOINT, System.getenv(Settings.IDENTITY_ENDPOINT));
    settings.put(Settings.IDENTITY_HEADER, System.getenv(Settings.IDENTITY_HEADER));
    return Settings.from(settings);
  }

  /** An engine builder for those settings that trusts the sandbox's certificate. */
  static Driftguard builder(Sandbox sandbox, Settings settings) {
    return Driftguard.builder(settings, Clock.systemUTC(), Ticker.SYSTEM)
        .trust(sandbox.trustManager());
  }
}
