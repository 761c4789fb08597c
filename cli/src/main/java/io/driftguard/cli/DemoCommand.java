package io.driftguard.cli;

import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.engine.Action;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Outcome;
import io.driftguard.engine.Remediator;
import io.driftguard.policy.ModePolicy;
import io.driftguard.sandbox.Azurite;
import io.driftguard.sandbox.Caller;
import io.driftguard.sandbox.FakeArm;
import io.driftguard.sandbox.Hosting;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SandboxOptions;
import io.driftguard.sandbox.SiteHandle;
import io.driftguard.sweep.SweepListener;
import io.driftguard.sweep.SweepRequest;
import io.driftguard.sweep.SweepSummary;
import io.driftguard.sweep.Sweeper;
import io.driftguard.text.Printable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * {@code demo}: a small estate in the sandbox, the writes people and pipelines make to it, the events Azure sends, and
 * what driftguard does about each, narrated. The engine is wired exactly as in Azure (managed identity, real SDK,
 * HTTPS); only the endpoints are local.
 */
@Command(name = "demo", customSynopsis = "driftguard demo",
    description = "run driftguard against a local Azure (sandbox) and narrate what happens",
    footer = {"",
        "Starts a local Azure (the sandbox: fake ARM over HTTPS, a managed-identity token endpoint, a Logs Ingestion",
        "endpoint; Azurite for Table storage), seeds a few function apps, a slot, a plain web app, an app exempt by tag,",
        "a Flex Consumption app and a Logic Apps Standard workflow app, makes the writes people and pipelines make,",
        "delivers the events Azure would send, and narrates what driftguard does about each: how the app is hosted,",
        "fixes (only of settings that exist on that hosting model), the alert an on-call engineer receives, a pipeline",
        "that keeps reverting a fix",
        "(flapping), a sweep that finds drift no event announced, and the audit trail. Ends with a summary table, and",
        "writes the estate as the sweep saw it to an HTML page (as scan --format html) and prints where it is.",
        "Settings: DRIFTGUARD_MODE and DRIFTGUARD_RULE_<ID> from the environment, e.g. DRIFTGUARD_MODE=notify for a",
        "notify-first demo (every finding alerted, nothing written); without DRIFTGUARD_MODE the demo shows auto-fix:",
        "DRIFTGUARD_MODE=autofix, DRIFTGUARD_RULE_HTTPS_ONLY=notify.",
        "",
        "exit: 0 told, 64 bad arguments, 78 invalid settings"})
final class DemoCommand implements Main.Command {

  private static final String SUBSCRIPTION = "7c1b5e2a-0d3f-4a61-9b8e-2f4d6a8c0e11";
  private static final String GROUP = "rg-shop";
  private static final Map<String, Object> SECURE_CONFIG = CatalogSeeds.SECURE_CONFIG;
  /** Without DRIFTGUARD_MODE in the environment: auto-fix, and one control in notify to show an alert. */
  private static final Map<String, String> AUTOFIX_STORY = Map.of(Settings.MODE, "autofix",
      "DRIFTGUARD_RULE_HTTPS_ONLY", "notify");

  private static final Caller ALICE = Caller.user("alice@contoso.com", "Alice Admin", "a11ce000-0000-4000-8000-000000000001", "203.0.113.7");
  private static final Caller BOB = Caller.user("bob@contoso.com", "Bob Builder", "b0b00000-0000-4000-8000-000000000002", "198.51.100.23");
  private static final Caller CAROL = Caller.user("carol@contoso.com", "Carol Ops", "ca201000-0000-4000-8000-000000000003", "192.0.2.44");
  private static final Caller PIPELINE = Caller.servicePrincipal("5e1f0000-0000-4000-8000-00000000a99e",
      "de910000-0000-4000-8000-000000000004", "deploy-pipeline");

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    return LocalAzureRun.isChild() ? narrate(out) : LocalAzureRun.relaunch("demo");
  }

  private int narrate(PrintStream out) {
    Map<String, String> modes = modes(System.getenv());
    try (Sandbox sandbox = LocalAzureRun.startSandbox(SandboxOptions.defaults());
         Azurite azurite = Azurite.start()) {
      return new Story(sandbox, azurite, modes, out).tell();
    }
  }

  /** The modes the demo runs in: those in the environment, or the auto-fix story when it names no global mode. */
  static Map<String, String> modes(Map<String, String> environment) {
    if (!environment.containsKey(Settings.MODE)) {
      return new TreeMap<>(AUTOFIX_STORY);
    }
    Map<String, String> modes = new TreeMap<>();
    Stream.concat(Stream.of(Settings.MODE), ControlCatalog.ids().stream().map(ModePolicy::settingName))
        .filter(environment::containsKey).forEach(name -> modes.put(name, environment.get(name)));
    return modes;
  }

  /** The demo's scenes, in order, and the summary. */
  private static final class Story {
    private final Sandbox sandbox;
    private final Settings settings;
    private final Map<String, String> modes;
    private final FakeArm arm;
    private final PrintStream out;
    private final Remediator engine;
    private final Sweeper sweeper;
    private final List<Decision> decisions = new ArrayList<>();
    private final List<String> scenes = new ArrayList<>();
    /** Events raised by driftguard's own fixes, delivered after the scenes, as Event Grid would. */
    private final List<String> ownEvents = new ArrayList<>();

    Story(Sandbox sandbox, Azurite azurite, Map<String, String> modes, PrintStream out) {
      this.sandbox = sandbox;
      this.arm = sandbox.arm();
      this.out = out;
      this.modes = modes;
      Map<String, String> given = new HashMap<>(modes);
      given.putAll(Map.of(
          Settings.ALERT_ENDPOINT, sandbox.logsIngestionEndpoint().toString(),
          Settings.ALERT_RULE_ID, sandbox.logs().dcrImmutableId(),
          Settings.ALERT_STREAM, sandbox.logs().streamName(),
          Settings.STORAGE_CONNECTION, azurite.connectionString(),
          // The estate's page shows every app, compliant ones too: only an ARM listing reads them all.
          Settings.SWEEP_SOURCE, "arm"));
      this.settings = LocalAzureRun.settings(sandbox, given);
      Driftguard.Parts parts = LocalAzureRun.builder(sandbox, settings).buildAll();
      this.engine = parts.engine();
      this.sweeper = parts.sweeper();
    }

    int tell() {
      out.println("driftguard demo: a local Azure at " + sandbox.armEndpoint() + " (fake ARM over HTTPS, managed identity)");
      out.println("settings: " + modes.entrySet().stream().map(setting -> setting.getKey() + "=" + setting.getValue())
          .collect(Collectors.joining(", ")) + (modes.equals(AUTOFIX_STORY)
          ? " (the demo's default; DRIFTGUARD_MODE=notify ./driftguard demo for a notify-first demo)"
          : " (from the environment)"));
      out.println();
      SiteHandle orders = functionApp("func-orders", Map.of());
      SiteHandle payments = functionApp("func-payments", Map.of());
      SiteHandle staging = CatalogSeeds.secureBeyondSiteAndConfig(arm,
          arm.seedSlot(SUBSCRIPTION, GROUP, "func-payments", "staging", true, SECURE_CONFIG));
      SiteHandle reports = functionApp("func-reports", Map.of());
      // A governed exemption: a reason, and an expiry within the 90-day horizon.
      SiteHandle legacy = functionApp("func-legacy", Map.of("driftguard-mode", "off", "driftguard-exempt-reason",
          "clients pinned to TLS 1.0", "driftguard-exempt-until", LocalDate.now(ZoneOffset.UTC).plusDays(30).toString()));
      SiteHandle storefront = arm.seedSite(SUBSCRIPTION, GROUP, "web-storefront", "app,linux", Map.of(), true, SECURE_CONFIG);
      Map<String, Object> ftpOpen = new HashMap<>(SECURE_CONFIG);
      ftpOpen.put("ftpsState", "AllAllowed");
      SiteHandle flex = CatalogSeeds.secureBeyondSiteAndConfig(arm,
          arm.seedSite(SUBSCRIPTION, GROUP, "func-flex", Hosting.FLEX_CONSUMPTION, Map.of(), true, ftpOpen));
      SiteHandle invoices = CatalogSeeds.secureBeyondSiteAndConfig(arm,
          arm.seedSite(SUBSCRIPTION, GROUP, "la-invoices", Hosting.LOGIC_APPS_STANDARD, Map.of(), true, SECURE_CONFIG));
      arm.seedSite(SUBSCRIPTION, GROUP, "func-inherited", "functionapp", Map.of(), false,
          Map.of("ftpsState", "AllAllowed", "minTlsVersion", "1.0", "remoteDebuggingEnabled", false));
      out.println("estate in " + GROUP + ": func-orders, func-payments (+ slot staging), func-reports, func-legacy"
          + " (tag driftguard-mode=off, with a reason and an expiry), web-storefront (a plain web app), func-flex (Flex"
          + " Consumption), la-invoices (a Logic Apps Standard workflow app): compliant to begin with; and func-inherited,"
          + " insecure since before driftguard was deployed (FTP, TLS 1.0, basic-auth publishing on): no event will ever"
          + " announce it.");
      out.println();

      String ordersEvent = scene("Alice enables FTP and lowers TLS to 1.0 on func-orders in the portal",
          ALICE, orders.webConfigId(), "{\"properties\":{\"ftpsState\":\"AllAllowed\",\"minTlsVersion\":\"1.0\"}}");
      scene("a deployment pipeline turns on remote debugging in the staging slot of func-payments",
          PIPELINE, staging.webConfigId(), "{\"properties\":{\"remoteDebuggingEnabled\":true,\"remoteDebuggingVersion\":\"VS2022\"}}");
      scene("Bob turns off HTTPS-only on func-reports to test a webhook",
          BOB, reports.id(), "{\"properties\":{\"httpsOnly\":false}}");
      onCallReceives("what the on-call engineer receives (the alert rule's row, through the action group):", lastDecision());
      scene("Bob adds '*' to the CORS origins of func-orders: a guarded control, reported, not fixed, even in"
              + " autofix (removing '*' can break browser callers)",
          BOB, orders.webConfigId(), "{\"properties\":{\"cors\":{\"allowedOrigins\":[\"https://portal.azure.com\",\"*\"]}}}");
      scene("the pipeline pins func-reports to Python 3.8, past its end of support: report-only, no fix exists",
          PIPELINE, reports.webConfigId(), "{\"properties\":{\"linuxFxVersion\":\"Python|3.8\"}}");
      scene("Alice enables FTP on web-storefront, a plain web app",
          ALICE, storefront.webConfigId(), "{\"properties\":{\"ftpsState\":\"AllAllowed\"}}");
      scene("Carol lowers TLS to 1.0 on func-legacy, which its team exempted by tag",
          CAROL, legacy.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.0\"}}");
      scene("Alice lowers TLS to 1.0 on func-flex, a Flex Consumption app whose FTP state reads AllAllowed: Flex has"
              + " no FTP (ARM refuses an ftpsState write there), so TLS alone is fixed",
          ALICE, flex.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.0\"}}");
      scene("Bob enables FTP on la-invoices, a Logic Apps Standard workflow app that no Azure Policy built-in"
              + " covers: every App Service control applies",
          BOB, invoices.webConfigId(), "{\"properties\":{\"ftpsState\":\"AllAllowed\",\"minTlsVersion\":\"1.1\"}}");

      ownEvents.addAll(arm.drainEmittedEvents());
      for (String own : ownEvents) {
        deliver("driftguard's own fix raises a write event too; it must not loop", own);
      }
      deliver("Event Grid delivers Alice's event on func-orders a second time (at-least-once delivery)", ordersEvent);
      for (int round = 1; round <= 5; round++) {
        scene("the deploy pipeline re-applies its template, which sets TLS 1.0 on func-payments (round " + round + ")",
            PIPELINE, payments.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.0\"}}");
        if (lastDecision().findings().stream().anyMatch(finding -> finding.action() == Action.BACKED_OFF)) {
          onCallReceives("flapping: the one high-severity alert, naming who keeps reverting the fix:", lastDecision());
        }
      }
      String forged = ordersEvent.replace(orders.webConfigId(), orders.id() + "/../../../../providers/Microsoft.Web/sites/victim");
      deliver("someone posts a crafted event whose resource id walks out of the site", forged);

      ScanReport estate = sweep();
      summary(payments);
      out.println();
      out.println("audit trail of func-payments, as './driftguard history --app func-payments' lists it from Table storage"
          + " (here the demo's Azurite, which stops when the demo ends; for a deployment, set AzureWebJobsStorage__accountName"
          + " to its storage account):");
      Clock clock = Clock.systemUTC();
      HistoryCommand.print(Driftguard.auditTrail(settings, clock).history(Optional.of("func-payments"),
          clock.instant().minus(Duration.ofHours(1))), out);
      out.println();
      Path page = Path.of(System.getProperty("java.io.tmpdir"), "driftguard-demo-report.html").toAbsolutePath();
      try {
        estate.write(ScanReport.Format.HTML, page);
        out.println("the estate as the sweep saw it, a page to open in a browser (./driftguard scan --format html): "
            + page.toUri());
      } catch (IOException e) {
        out.println("could not write the estate's page " + page + ": " + e.getMessage());
      }
      return 0;
    }

    /** The Reconcile timer's sweep: drift that no event announced. Returns the estate as the sweep saw it. */
    private ScanReport sweep() {
      out.println("[sweep] the Reconcile timer sweeps " + SUBSCRIPTION + " for drift no event announced");
      List<Decision> decided = Collections.synchronizedList(new ArrayList<>());
      SweepSummary summary = sweeper.run(SweepRequest.oneOff(List.of(SUBSCRIPTION), false, Duration.ofMinutes(5)),
          new SweepListener() {
            @Override
            public void decided(Decision decision) {
              decided.add(decision);
            }
          });
      decided.stream().filter(decision -> !decision.findings().isEmpty()).sorted(Comparator.comparing(Decision::resource))
          .forEach(decision -> {
            out.printf("    %s: %s%n", Narration.shortName(decision.resource()), Narration.outcomeLeft(decision));
            Narration.findings(decision).forEach(line -> out.println("      " + line));
          });
      out.printf("    swept %d function apps and slots (%s), passed over %d other sites, %d list reads, %d ms%n%n",
          summary.decided(), summary.outcomes(), summary.notFunctionApps(), summary.listReads(), summary.elapsedMs());
      return new ScanReport(List.copyOf(decided), summary, List.of(SUBSCRIPTION), false);
    }

    private Decision lastDecision() {
      return decisions.get(decisions.size() - 1);
    }

    /** The alert rows driftguard sent for a decision, as the alert rule hands them to the action group. */
    private void onCallReceives(String title, Decision decision) {
      String eventId = decision.eventId();
      out.println("    " + title);
      for (Map<String, Object> row : sandbox.logs().rows()) {
        if (eventId.equals(row.get("EventId"))) {
          out.println(Printable.clean(String.format("      Sev%s  %s  %s  on %s  by %s from %s", row.get("Severity"),
              row.get("Rule"), row.get("Action"), Narration.shortName(String.valueOf(row.get("TargetResourceId"))),
              row.get("Actor"), row.get("ActorIp"))));
          out.println(Printable.clean("      \"" + row.get("Message") + "\""));
        }
      }
      out.println();
    }

    private SiteHandle functionApp(String name, Map<String, String> tags) {
      return CatalogSeeds.secureBeyondSiteAndConfig(arm,
          arm.seedSite(SUBSCRIPTION, GROUP, name, "functionapp,linux", tags, true, SECURE_CONFIG));
    }

    /** A person or pipeline writes; Azure sends the event; driftguard handles it. Returns the event. */
    private String scene(String story, Caller caller, String path, String body) {
      ownEvents.addAll(arm.drainEmittedEvents());
      arm.write(caller, "PATCH", path, body);
      String event = arm.drainEmittedEvents().get(0);
      deliver(story, event);
      return event;
    }

    private void deliver(String story, String event) {
      int before = arm.requests().size();
      Decision decision;
      try {
        decision = engine.handleDelivery(event).get(0);
      } catch (Exception e) {
        throw new IllegalStateException("the demo's own event was refused: " + e.getMessage(), e);
      }
      decisions.add(decision);
      scenes.add(story);
      out.printf("[%d] %s%n", decisions.size(), story);
      Narration.event(decision).ifPresent(line -> out.println("    " + line));
      Optional.ofNullable(decision.hostingModel()).ifPresent(model -> out.println("    hosted on: " + model));
      out.println("    " + Narration.outcome(decision));
      Narration.findings(decision).forEach(line -> out.println("      " + line));
      for (RecordedRequest request : arm.requests().subList(before, arm.requests().size())) {
        if (!request.method().equals("GET")) {
          out.printf("      wrote: %s %s %s%n", request.method(), Narration.shortName(request.path()), request.body());
        }
      }
      out.printf("    cost: %d ARM reads, %d writes, %d ms%n%n", decision.armReads(), decision.armWrites(), decision.elapsedMs());
    }

    private void summary(SiteHandle payments) {
      out.println("summary");
      Table table = new Table("#", "resource", "changed by", "outcome", "findings", "ARM r/w", "ms");
      for (int i = 0; i < decisions.size(); i++) {
        Decision decision = decisions.get(i);
        boolean trusted = decision.resource() != null && decision.outcome() != Outcome.REJECTED;
        table.row(String.valueOf(i + 1), trusted ? Narration.shortName(decision.resource()) : "-",
            decision.changedBy() == null ? "-" : decision.changedBy(), decision.outcome().label(),
            Narration.findingSummary(decision), decision.armReads() + "/" + decision.armWrites(),
            String.valueOf(decision.elapsedMs()));
      }
      table.print(out);
      out.println("  (the first event's time includes start-up: the first token and the SDK clients)");
      List<RecordedRequest> botRequests = arm.requests().stream()
          .filter(request -> sandbox.botObjectId().equals(request.callerObjectId())).toList();
      out.println();
      out.printf("driftguard made %d ARM requests (%d writes); secret-revealing calls: %d; whole-document PUTs: %d%n",
          botRequests.size(), botRequests.stream().filter(request -> !request.method().equals("GET")).count(),
          botRequests.stream().filter(FakeArm::isSecretRevealing).count(),
          botRequests.stream().filter(FakeArm::isWholeDocumentPut).count());
      out.printf("the parent site %s was not touched by what was done to its slot: remoteDebuggingEnabled=%s%n",
          payments.site(), ((Map<?, ?>) arm.webConfig(payments.id()).get("properties")).get("remoteDebuggingEnabled"));
    }
  }
}
