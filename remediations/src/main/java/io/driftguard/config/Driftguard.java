package io.driftguard.config;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import io.driftguard.controls.Control;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.alert.ActivityLogWriters;
import io.driftguard.alert.LogsIngestionSink;
import io.driftguard.record.StorageTarget;
import io.driftguard.engine.AuditTrail;
import io.driftguard.engine.EventClaims;
import io.driftguard.engine.FindingStates;
import io.driftguard.engine.FindingsSink;
import io.driftguard.engine.FlapGuard;
import io.driftguard.engine.Ledger;
import io.driftguard.engine.Remediator;
import io.driftguard.engine.ScopeGuard;
import io.driftguard.fanout.QueuedSweeps;
import io.driftguard.fanout.SweepQueue;
import io.driftguard.policy.ModePolicy;
import io.driftguard.record.TableAuditTrail;
import io.driftguard.resource.SiteRef;
import io.driftguard.record.TableEventClaims;
import io.driftguard.record.TableFindingStates;
import io.driftguard.record.TableFlapGuard;
import io.driftguard.record.TableStorage;
import io.driftguard.record.TableSweepCheckpoints;
import io.driftguard.record.TableSweepClaims;
import io.driftguard.record.TableUnsweptRuns;
import io.driftguard.sweep.SweepCheckpoints;
import io.driftguard.sweep.CandidateLister;
import io.driftguard.sweep.ResourceGraphCandidates;
import io.driftguard.sweep.ResourceGraphQuery;
import io.driftguard.sweep.ResourceGraphQuota;
import io.driftguard.sweep.SweepSource;
import io.driftguard.sweep.Sweeper;
import io.driftguard.state.ArmGateway;
import io.driftguard.state.PrefetchedCredential;
import io.driftguard.state.RetrySettings;
import io.driftguard.state.StateReader;
import io.driftguard.state.Transport;
import io.driftguard.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.X509TrustManager;

/**
 * Wires a {@link Remediator} from {@link Settings}: the same wiring for the Azure Function, the launcher and the
 * tests. Build once per process and share it.
 */
public final class Driftguard {

  private final Settings settings;
  private X509TrustManager trust;
  private Duration armTryTimeout;
  private TokenCredential credential;
  private ExponentialBackoffOptions backoff = RetrySettings.sdkDefault();
  private final Clock clock;
  private final Ticker ticker;
  private ResourceGraphQuota.Pause pause;
  private Optional<SiteRef> ownSite = Optional.empty();

  private Driftguard(Settings settings, Clock clock, Ticker ticker) {
    this.settings = settings;
    this.clock = clock;
    this.ticker = ticker;
    this.pause = ticker::sleep;
  }

  /**
   * The clock gives dates (flapping windows, records, the runtime table's end-of-support dates, the circuit breaker's
   * open periods); the ticker measures deadlines and rate limits, and waits for tokens. Production passes the system's;
   * tests move their own.
   */
  public static Driftguard builder(Settings settings, Clock clock, Ticker ticker) {
    return new Driftguard(settings, clock, ticker);
  }

  /** Whom every Azure client trusts for TLS, e.g. a local certificate; default: the JVM's truststore. */
  public Driftguard trust(X509TrustManager trust) {
    this.trust = trust;
    return this;
  }

  /** How long one ARM attempt may wait for its answer; default: the gateway's. */
  public Driftguard armTryTimeout(Duration tryTimeout) {
    this.armTryTimeout = tryTimeout;
    return this;
  }

  /** Default: the managed identity where {@code IDENTITY_ENDPOINT} is set, else {@code DefaultAzureCredential}. */
  public Driftguard credential(TokenCredential credential) {
    this.credential = credential;
    return this;
  }

  /**
   * How a sweep waits for Resource Graph's quota to reset: by default the ticker's sleep; a test whose Resource Graph
   * measures its quota window on the clock moves that clock instead.
   */
  public Driftguard resourceGraphPause(ResourceGraphQuota.Pause pause) {
    this.pause = pause;
    return this;
  }

  /**
   * driftguard's own function app, where it runs in one (the Functions host knows it from App Service's environment):
   * it and its slots are judged and reported, never written, as a fix could cut driftguard's own event delivery.
   */
  public Driftguard ownSite(Optional<SiteRef> site) {
    this.ownSite = site;
    return this;
  }

  /** Shortens the SDK's retry back-off (0.8 s base) of every Azure client; tests use it to keep retries fast. */
  public Driftguard retryBaseDelay(Duration baseDelay) {
    this.backoff = RetrySettings.withBaseDelay(baseDelay);
    return this;
  }

  /**
   * The event engine and the sweeper, sharing one ARM gateway (one rate limiter, one circuit breaker); and, where a
   * storage queue is configured, the reconcile fan-out that sweeps one subscription per queued message.
   */
  public record Parts(Remediator engine, Sweeper sweeper, Optional<QueuedSweeps> queuedSweeps) {}

  public Remediator build() {
    return buildAll().engine();
  }

  public Parts buildAll() {
    TokenCredential given = credential;
    // Without a trust of their own, each SDK client takes its default: the package's one provider, OkHttp.
    HttpClient httpClient = trust == null ? null : Transport.client(trust, null);
    // Built in the background: the identity library's start overlaps the rest of the wiring.
    TokenCredential effectiveCredential = PrefetchedCredential.building(
        () -> given != null ? given : credentialFor(settings), clock);
    ArmGateway.Builder gateway = ArmGateway.builder()
        .endpoint(settings.armEndpoint())
        .credential(effectiveCredential)
        .trust(trust)
        .retries(backoff)
        .rateLimits(settings.arm().rates())
        .circuitBreaker(settings.arm().breaker())
        .clock(clock)
        .ticker(ticker);
    if (armTryTimeout != null) {
      gateway.tryTimeout(armTryTimeout);
    }
    Supplier<String> self = settings.selfObjectId()
        .map(SelfIdentity::fixed)
        .orElseGet(() -> SelfIdentity.fromToken(effectiveCredential, ArmGateway.tokenScope(settings.armEndpoint())));
    Optional<TableStorage> storage = settings.storage()
        .map(target -> TableStorage.connect(target, effectiveCredential, httpClient, RetrySettings.bestEffort(backoff)));
    FindingsSink sink = settings.alerts()
        .<FindingsSink>map(target -> new LogsIngestionSink(target, effectiveCredential, httpClient, backoff,
            ownSite.map(SiteRef::id), settings.activityLog().map(log -> new ActivityLogWriters(log.endpoint(),
                log.workspaceId(), effectiveCredential, httpClient, backoff)), clock))
        .orElse(FindingsSink.DECISION_OUTPUT_ONLY);
    ArmGateway arm = gateway.build();
    ControlCatalog catalog = settings.catalog(clock);
    ModePolicy modes = settings.modePolicy(ownSite, clock);
    Ledger ledger = new Ledger(
        storage.<EventClaims>map(tables -> new TableEventClaims(tables, clock)).orElse(EventClaims.NONE),
        storage.<FlapGuard>map(tables -> new TableFlapGuard(tables, settings.flapping())).orElse(FlapGuard.NONE),
        storage.<AuditTrail>map(tables -> new TableAuditTrail(tables, clock)).orElse(AuditTrail.NONE),
        storage.<FindingStates>map(TableFindingStates::new).orElse(FindingStates.NONE),
        settings.reminderInterval(),
        clock);
    Remediator engine = new Remediator(
        new ScopeGuard(settings.subscriptions(), self),
        new StateReader(arm),
        catalog,
        modes,
        ledger,
        sink,
        clock,
        ticker,
        settings.arm().eventBudget());
    SweepCheckpoints checkpoints = storage.<SweepCheckpoints>map(TableSweepCheckpoints::new).orElse(SweepCheckpoints.NONE);
    Optional<CandidateLister> candidates = settings.sweeps().source() == SweepSource.RESOURCE_GRAPH
        ? Optional.of(new ResourceGraphCandidates(arm, () -> graphQuery(catalog, modes), new ResourceGraphQuota(clock, pause)))
        : Optional.empty();
    Sweeper sweeper = new Sweeper(engine, arm, checkpoints, settings.sweeps().parallelism(),
        settings.arm().eventBudget(), clock, ticker, candidates);
    Optional<QueuedSweeps> queuedSweeps = storage.flatMap(tables -> settings.storage()
        .filter(target -> target.connectionString().isPresent() || target.queueServiceUri().isPresent())
        .map(target -> new QueuedSweeps(settings.subscriptions(),
            SweepQueue.connect(target.connectionString(), target.queueServiceUri(), effectiveCredential, httpClient, backoff),
            sweeper,
            new TableSweepClaims(tables, QueuedSweeps.claimLifetime(settings.sweeps().reconcileTimeLimit())),
            new TableUnsweptRuns(tables),
            sink, settings.sweeps().reconcileTimeLimit(), clock)));
    return new Parts(engine, sweeper, queuedSweeps);
  }

  /**
   * A sweep's Resource Graph query: the controls on for an untagged app, and, if tags can turn on others, the apps that
   * carry such a tag.
   */
  private static ResourceGraphQuery graphQuery(ControlCatalog catalog, ModePolicy modes) {
    List<Control> onBySettings = catalog.all().stream().filter(modes::isOnBySettings).toList();
    boolean onlyByTags = catalog.all().stream()
        .anyMatch(control -> modes.mayBeOnForSomeApp(control) && !modes.isOnBySettings(control));
    return ResourceGraphQuery.forControls(onBySettings, onlyByTags ? modes.tagsThatTurnControlsOn() : List.of());
  }

  /** The audit trail alone, for {@code history}: nothing else is built. */
  public static TableAuditTrail auditTrail(Settings settings, Clock clock) {
    return new TableAuditTrail(tables(settings), clock);
  }

  /** Where findings stand alone, for {@code findings} and {@code history}: nothing else is built. */
  public static TableFindingStates findingStates(Settings settings) {
    return new TableFindingStates(tables(settings));
  }

  private static TableStorage tables(Settings settings) {
    StorageTarget target = settings.storage().orElseThrow(() -> new SettingsException(List.of(
        "no Table storage configured: set " + Settings.STORAGE_CONNECTION + " or " + Settings.STORAGE_ACCOUNT)));
    return TableStorage.connect(target, credentialFor(settings), null, RetrySettings.sdkDefault());
  }

  private static TokenCredential credentialFor(Settings settings) {
    return settings.managedIdentity() ? new ManagedIdentityCredentialBuilder().build()
        : new DefaultAzureCredentialBuilder().build();
  }
}
