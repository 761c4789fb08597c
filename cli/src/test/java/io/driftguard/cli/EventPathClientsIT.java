package io.driftguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.config.Settings;
import io.driftguard.sandbox.Caller;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SiteHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cold {@code handle} builds only the clients its event needs: every client built before the first ARM read delays
 * the fix on a new instance. Read from the class-loading log of a real {@code handle} process (a class loads when
 * first used), against the sandbox with alerts configured, as in Azure.
 */
class EventPathClientsIT {

  private static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000c1e47";
  private static final Caller ALICE = Caller.user("alice@contoso.com", "Alice Admin", "11111111-1111-1111-1111-111111111111", "203.0.113.7");
  private static final Pattern LOADED = Pattern.compile("^\\S*\\s*([\\w.$]+) source:", Pattern.MULTILINE);
  /** What AppServiceManager builds beside the App Service client, none of which driftguard calls. */
  private static final List<String> UNUSED_MANAGERS = List.of("com.azure.resourcemanager.keyvault.",
      "com.azure.resourcemanager.storage.", "com.azure.resourcemanager.authorization.", "com.azure.resourcemanager.dns.",
      "com.azure.resourcemanager.msi.");
  private static final String LOGS_INGESTION_CLIENT = "com.azure.monitor.ingestion.LogsIngestionClient";
  private static Sandbox sandbox;

  @TempDir
  Path temp;

  @BeforeAll
  static void startSandbox() {
    sandbox = Sandbox.start();
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  @Test
  void aCompliantEventBuildsNeitherTheAlertClientNorManagersItNeverCalls() throws Exception {
    Handled handled = handle("func-clients-compliant", "{\"properties\":{\"http20Enabled\":true}}");
    List<String> loaded = handled.classes();

    assertTrue(handled.decision().contains("\"outcome\":\"compliant\""), handled.decision());
    assertTrue(loaded.contains("com.azure.resourcemanager.appservice.implementation.WebSiteManagementClientImpl"),
        "the log holds the event path's classes");
    assertEquals(List.of(), loaded.stream().filter(name -> UNUSED_MANAGERS.stream().anyMatch(name::startsWith)).toList());
    assertTrue(loaded.stream().noneMatch(LOGS_INGESTION_CLIENT::equals), "nothing to report, no Logs Ingestion client");
  }

  @Test
  void aDriftedEventBuildsTheAlertClientToReportItsFix() throws Exception {
    Handled handled = handle("func-clients-drifted", "{\"properties\":{\"minTlsVersion\":\"1.0\"}}");

    assertTrue(handled.decision().contains("\"outcome\":\"fixed\""), handled.decision());
    assertTrue(handled.classes().contains(LOGS_INGESTION_CLIENT), "the fix is reported through Logs Ingestion");
    assertTrue(sandbox.logs().rows().toString().contains("func-clients-drifted"), sandbox.logs().rows().toString());
  }

  private record Handled(String decision, List<String> classes) {}

  /** Handles the event of {@code change} to a new, compliant function app: its decision and the classes loaded. */
  private Handled handle(String app, String change) throws Exception {
    SiteHandle site = sandbox.arm().seedSite(SUBSCRIPTION, "rg", app, "functionapp", Map.of(), true,
        Map.of("ftpsState", "Disabled", "minTlsVersion", "1.2", "remoteDebuggingEnabled", false));
    sandbox.arm().drainEmittedEvents();
    sandbox.arm().write(ALICE, "PATCH", site.webConfigId(), change);
    String event = sandbox.arm().drainEmittedEvents().get(0);
    Path log = temp.resolve(app + "-classes.log");
    CliProcess.Result run = CliProcess.run(sandbox, temp, List.of("-Xlog:class+load=info:file=" + log),
        Map.of(Settings.MODE, "autofix", Settings.ALERT_ENDPOINT, sandbox.logsIngestionEndpoint().toString(),
            Settings.ALERT_RULE_ID, sandbox.logs().dcrImmutableId(), Settings.ALERT_STREAM, sandbox.logs().streamName()),
        event, "handle");
    assertEquals(ExitCode.OK, run.exit(), run.stderr());
    Matcher classes = LOADED.matcher(Files.readString(log));
    return new Handled(run.stdout(), classes.results().map(match -> match.group(1)).toList());
  }
}
