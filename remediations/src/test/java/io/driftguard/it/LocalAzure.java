package io.driftguard.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.documents.Document;
import io.driftguard.documents.Documents;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Remediator;
import io.driftguard.resource.SiteRef;
import io.driftguard.sandbox.Azurite;
import io.driftguard.sandbox.Caller;
import io.driftguard.sandbox.FakeArm;
import io.driftguard.sandbox.Hosting;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SandboxOptions;
import io.driftguard.sandbox.SiteHandle;
import io.driftguard.sweep.SweepListener;
import io.driftguard.time.Ticker;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One sandbox per test JVM, its token endpoint on the port that the build put into {@code IDENTITY_ENDPOINT}, so the
 * real managed identity credential talks to it. Each test names its own apps, so tests never share a site.
 */
final class LocalAzure {

  static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000a11c";
  static final Caller ALICE = Caller.user("alice@contoso.com", "Alice Admin", "11111111-1111-1111-1111-111111111111", "203.0.113.7");

  static final ControlCatalog CATALOG = ControlCatalog.defaults();
  /**
   * The reads of a known function app with the default controls: the site, config/web and the publishing-policy list
   * (ARM lists both policies in one answer). Written out, not derived, so that a change to the read plan shows here.
   */
  static final int DEFAULT_READS = 3;

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Sandbox sandbox;
  private static Azurite azurite;

  private LocalAzure() {}

  static synchronized Sandbox sandbox() {
    if (sandbox == null) {
      URI identity = URI.create(requiredEnv(Settings.IDENTITY_ENDPOINT));
      sandbox = Sandbox.start(SandboxOptions.defaults()
          .withIdentityPort(identity.getPort())
          .withIdentityHeader(requiredEnv(Settings.IDENTITY_HEADER)));
      Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close));
    }
    return sandbox;
  }

  static synchronized Azurite azurite() {
    if (azurite == null) {
      azurite = Azurite.start();
      Runtime.getRuntime().addShutdownHook(new Thread(azurite::close));
    }
    return azurite;
  }

  /** Alerts to the sandbox's Logs Ingestion endpoint, audit and flapping state in Azurite. */
  static Map<String, String> recordingSettings() {
    return Map.of(
        "DRIFTGUARD_ALERT_ENDPOINT", sandbox().logsIngestionEndpoint().toString(),
        "DRIFTGUARD_ALERT_RULE_ID", sandbox().logs().dcrImmutableId(),
        "DRIFTGUARD_ALERT_STREAM", sandbox().logs().streamName(),
        "AzureWebJobsStorage", azurite().connectionString());
  }

  static FakeArm arm() {
    return sandbox().arm();
  }

  /** A fresh app name, unique in this JVM. */
  static String uniqueName(String prefix) {
    return prefix + "-" + NAMES.incrementAndGet();
  }

  /** A function app with these site and config/web values; its other documents compliant with every control. */
  static SiteHandle functionApp(String name, Map<String, String> tags, boolean httpsOnly, Map<String, Object> webConfig) {
    SiteHandle site = arm().seedSite(SUBSCRIPTION, "rg-it", name, "functionapp,linux", tags, httpsOnly, webConfig);
    return compliantBeyond(site, Documents.SITE, Documents.WEB_CONFIG);
  }

  /** A function app hosted as {@code hosting}, as {@link #functionApp}. */
  static SiteHandle hostedApp(String name, Hosting hosting, boolean httpsOnly, Map<String, Object> webConfig) {
    SiteHandle site = arm().seedSite(SUBSCRIPTION, "rg-it", name, hosting, Map.of(), httpsOnly, webConfig);
    return compliantBeyond(site, Documents.SITE, Documents.WEB_CONFIG);
  }

  /** A slot, as {@link #functionApp}. */
  static SiteHandle slot(String site, String slot, boolean httpsOnly, Map<String, Object> webConfig) {
    return compliantBeyond(arm().seedSlot(SUBSCRIPTION, "rg-it", site, slot, httpsOnly, webConfig),
        Documents.SITE, Documents.WEB_CONFIG);
  }

  static SiteHandle compliantFunctionApp(String name) {
    return functionApp(name, Map.of(), true, compliantConfig());
  }

  /** The config/web values every control of the catalog is compliant with: what their fixes write. */
  static Map<String, Object> compliantConfig() {
    return CATALOG.compliantValues().get(Documents.WEB_CONFIG);
  }

  /** Seeds each document but {@code given} with what the catalog's fixes write there, with the verb ARM takes. */
  static SiteHandle compliantBeyond(SiteHandle site, Document... given) {
    Set<Document> skipped = Set.of(given);
    CATALOG.compliantValues().forEach((document, values) -> {
      if (!skipped.contains(document)) {
        arm().seedDocument(document.write().orElseThrow().name(), path(site, document),
            JSON.createObjectNode().set("properties", JSON.valueToTree(values)).toString());
      }
    });
    return site;
  }

  /** The ARM path of a document of a site or slot. */
  static String path(SiteHandle site, Document document) {
    return site.id() + document.child().map(child -> "/" + child).orElse("");
  }

  /** An engine wired as in Azure, but trusting the sandbox certificate and with short retry back-off. */
  static Remediator engine(Map<String, String> settings) {
    return engine(settings, Clock.systemUTC());
  }

  static Remediator engine(Map<String, String> settings, Clock clock) {
    return parts(settings, clock).engine();
  }

  /** An engine whose waits (Retry-After, back-off, rate limits) pass on {@code ticker} instead of the wall clock. */
  static Remediator engine(Map<String, String> settings, Ticker ticker) {
    return parts(settings, ticker).engine();
  }

  /** The engine and the sweeper, wired as {@link #engine(Map, Clock)} is. */
  static Driftguard.Parts parts(Map<String, String> settings, Clock clock) {
    return parts(settings, clock, Optional.empty(), Ticker.SYSTEM);
  }

  /** A sweep listener that adds every decision the sweep makes to {@code decisions} (thread-safe where it is). */
  static SweepListener collectingInto(List<Decision> decisions) {
    return new SweepListener() {
      @Override
      public void decided(Decision decision) {
        decisions.add(decision);
      }
    };
  }

  /** The engine and the sweeper, their waits on {@code ticker}. */
  static Driftguard.Parts parts(Map<String, String> settings, Ticker ticker) {
    return parts(settings, Clock.systemUTC(), Optional.empty(), ticker);
  }

  /** An engine as driftguard's own function app {@code ownApp} runs it, App Service having told it its site. */
  static Remediator engineRunningIn(SiteHandle ownApp, Map<String, String> settings) {
    return parts(settings, Clock.systemUTC(),
        Optional.of(SiteRef.site(ownApp.subscriptionId(), ownApp.resourceGroup(), ownApp.site())), Ticker.SYSTEM).engine();
  }

  private static Driftguard.Parts parts(Map<String, String> settings, Clock clock, Optional<SiteRef> ownSite,
                                        Ticker ticker) {
    Map<String, String> environment = new HashMap<>(settings);
    environment.put("DRIFTGUARD_ARM_ENDPOINT", sandbox().armEndpoint().toString());
    environment.put(Settings.IDENTITY_ENDPOINT, System.getenv(Settings.IDENTITY_ENDPOINT));
    environment.put(Settings.IDENTITY_HEADER, System.getenv(Settings.IDENTITY_HEADER));
    return Driftguard.builder(Settings.from(environment), clock, ticker)
        .trust(sandbox().trustManager())
        .armTryTimeout(Duration.ofSeconds(5))
        .retryBaseDelay(Duration.ofMillis(20))
        .ownSite(ownSite)
        .buildAll();
  }

  /** Alice changes a document, as a person would in the portal; returns the event Azure sends for it. */
  static String aliceWrites(String path, String body) {
    arm().drainEmittedEvents();
    arm().write(ALICE, "PATCH", path, body);
    List<String> events = arm().drainEmittedEvents();
    if (events.size() != 1) {
      throw new IllegalStateException("expected one event for the write, got " + events.size());
    }
    return events.get(0);
  }

  /** Alice changes the app's tags through the Tags API; returns the event Azure sends for it. */
  static String aliceTags(SiteHandle app, String operation, String tagsJson) {
    arm().drainEmittedEvents();
    arm().write(ALICE, "PATCH", app.tagsId(), "{\"operation\":\"" + operation + "\",\"properties\":{\"tags\":" + tagsJson + "}}");
    List<String> events = arm().drainEmittedEvents();
    if (events.size() != 1) {
      throw new IllegalStateException("expected one event for the tag write, got " + events.size());
    }
    return events.get(0);
  }

  static Decision deliver(Remediator engine, String event) {
    try {
      List<Decision> decisions = engine.handleDelivery(event);
      if (decisions.size() != 1) {
        throw new IllegalStateException("expected one decision, got " + decisions.size());
      }
      return decisions.get(0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The ARM requests driftguard made (not the simulated people) for one app and its slots. */
  static List<RecordedRequest> requestsFor(SiteHandle site) {
    String prefix = "/sites/" + site.site().toLowerCase();
    return botRequests().stream()
        .filter(request -> request.path().toLowerCase().contains(prefix + "/") || request.path().toLowerCase().endsWith(prefix))
        .toList();
  }

  static List<RecordedRequest> botRequests() {
    return arm().requests().stream().filter(request -> sandbox().botObjectId().equals(request.callerObjectId())).toList();
  }

  static Map<?, ?> properties(Map<String, Object> resource) {
    return (Map<?, ?>) resource.get("properties");
  }

  static Map<?, ?> parse(String json) {
    try {
      return JSON.readValue(json, Map.class);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String requiredEnv(String name) {
    String value = System.getenv(name);
    if (value == null) {
      throw new IllegalStateException(name + " is not set: run the integration tests through Maven (mvn verify)");
    }
    return value;
  }
}
