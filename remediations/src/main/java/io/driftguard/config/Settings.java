package io.driftguard.config;

import io.driftguard.alert.AlertTarget;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.resource.HostingModel;
import io.driftguard.controls.FtpsTarget;
import io.driftguard.controls.Risk;
import io.driftguard.controls.TlsVersion;
import io.driftguard.policy.Mode;
import io.driftguard.policy.ModePolicy;
import io.driftguard.policy.TagExemptions;
import io.driftguard.policy.TagOptIn;
import io.driftguard.record.FlapLimits;
import io.driftguard.record.StorageTarget;
import io.driftguard.resource.ResourceIds;
import io.driftguard.resource.SiteRef;
import io.driftguard.sweep.SweepSource;
import io.driftguard.state.CircuitBreaker;
import io.driftguard.state.RateLimits;
import io.driftguard.text.Durations;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * driftguard's settings, read from the environment (app settings in Azure Functions). Immutable; every value
 * validated, unknown {@code DRIFTGUARD_*} names refused (a typo must not silently leave a control in the wrong mode).
 */
public record Settings(
    Mode mode,
    Map<String, Mode> controlModes,
    Set<String> subscriptions,
    Optional<String> selfObjectId,
    URI armEndpoint,
    FtpsTarget ftpsTarget,
    TlsVersion minTls,
    boolean managedIdentity,
    Optional<AlertTarget> alerts,
    Optional<StorageTarget> storage,
    FlapLimits flapping,
    ArmLimits arm,
    SweepSettings sweeps,
    TagExemptions tagExemptions,
    TagOptIn tagOptIn,
    Optional<Duration> exemptionHorizon,
    boolean workflowApps,
    Optional<Duration> reminderInterval,
    Optional<ActivityLogTarget> activityLog) {

  public static final String MODE = "DRIFTGUARD_MODE";
  public static final String SUBSCRIPTIONS = "DRIFTGUARD_SUBSCRIPTIONS";
  public static final String SELF_OBJECT_ID = "DRIFTGUARD_SELF_OBJECT_ID";
  public static final String ARM_ENDPOINT = "DRIFTGUARD_ARM_ENDPOINT";
  public static final String FTPS_STATE = "DRIFTGUARD_FTPS_STATE";
  public static final String MIN_TLS = "DRIFTGUARD_MIN_TLS";
  public static final String ALERT_ENDPOINT = "DRIFTGUARD_ALERT_ENDPOINT";
  public static final String ALERT_RULE_ID = "DRIFTGUARD_ALERT_RULE_ID";
  public static final String ALERT_STREAM = "DRIFTGUARD_ALERT_STREAM";
  public static final String FLAP_MAX_FIXES = "DRIFTGUARD_FLAP_MAX_FIXES";
  public static final String FLAP_WINDOW = "DRIFTGUARD_FLAP_WINDOW";
  public static final String FLAP_COOLDOWN = "DRIFTGUARD_FLAP_COOLDOWN";
  public static final String EVENT_BUDGET = "DRIFTGUARD_EVENT_BUDGET";
  /** Read by the Functions host for the Reconcile timer ({@code %DRIFTGUARD_RECONCILE_SCHEDULE%}), validated here. */
  public static final String RECONCILE_SCHEDULE = "DRIFTGUARD_RECONCILE_SCHEDULE";
  public static final String RECONCILE_TIME_LIMIT = "DRIFTGUARD_RECONCILE_TIME_LIMIT";
  public static final String SWEEP_PARALLELISM = "DRIFTGUARD_SWEEP_PARALLELISM";
  public static final String SWEEP_SOURCE = "DRIFTGUARD_SWEEP_SOURCE";
  public static final String DEFAULT_RECONCILE_SCHEDULE = "0 17 */3 * * *";
  public static final String ARM_READ_BURST = "DRIFTGUARD_ARM_READ_BURST";
  public static final String ARM_READS_PER_SECOND = "DRIFTGUARD_ARM_READS_PER_SECOND";
  public static final String ARM_WRITE_BURST = "DRIFTGUARD_ARM_WRITE_BURST";
  public static final String ARM_WRITES_PER_SECOND = "DRIFTGUARD_ARM_WRITES_PER_SECOND";
  public static final String ARM_BREAKER_FAILURES = "DRIFTGUARD_ARM_BREAKER_FAILURES";
  public static final String ARM_BREAKER_OPEN = "DRIFTGUARD_ARM_BREAKER_OPEN";
  /** Whether app owners' exemption tags are honoured, only reported, or ignored. */
  public static final String TAG_EXEMPTIONS = "DRIFTGUARD_TAG_EXEMPTIONS";
  /** Which controls an app's tag may ask to fix where settings alone would not: {@code none}, {@code safe}, or ids. */
  public static final String TAG_OPT_IN = ModePolicy.TAG_OPT_IN_SETTING;
  /** How far ahead an exemption's expiry may lie for it to silence a control, or {@code off} to require nothing. */
  public static final String EXEMPTION_HORIZON = "DRIFTGUARD_EXEMPTION_HORIZON";
  /** {@code include} (the default) judges Logic Apps Standard workflow apps like any function app; {@code exclude} not. */
  public static final String WORKFLOW_APPS = "DRIFTGUARD_WORKFLOW_APPS";
  /** The Functions host's own storage: a connection string, or identity-based with the account name or table URI. */
  public static final String STORAGE_CONNECTION = "AzureWebJobsStorage";
  public static final String STORAGE_ACCOUNT = "AzureWebJobsStorage__accountName";
  public static final String STORAGE_TABLE_URI = "AzureWebJobsStorage__tableServiceUri";
  /** Where the reconcile timer queues one sweep per subscription (the host's queue trigger reads the same account). */
  public static final String STORAGE_QUEUE_URI = "AzureWebJobsStorage__queueServiceUri";
  /** The Log Analytics workspace (its customer id) the subscriptions' Activity Log is exported to: who wrote swept drift. */
  public static final String ACTIVITY_LOG_WORKSPACE = "DRIFTGUARD_ACTIVITY_LOG_WORKSPACE";
  public static final String LOG_ANALYTICS_ENDPOINT = "DRIFTGUARD_LOG_ANALYTICS_ENDPOINT";
  public static final String DEFAULT_LOG_ANALYTICS_ENDPOINT = "https://api.loganalytics.io/v1";
  /** How long a finding stands before people are reminded of it; {@code off}: never. */
  public static final String REMINDER_INTERVAL = "DRIFTGUARD_REMINDER_INTERVAL";
  public static final String IDENTITY_ENDPOINT = "IDENTITY_ENDPOINT";
  public static final String IDENTITY_HEADER = "IDENTITY_HEADER";

  public static final String DEFAULT_ARM_ENDPOINT = "https://management.azure.com/";

  public Settings {
    controlModes = Map.copyOf(controlModes);
    subscriptions = Set.copyOf(subscriptions);
  }

  /** Where the Activity Log is queried: the Log Analytics query endpoint and the workspace's customer id. */
  public record ActivityLogTarget(URI endpoint, String workspaceId) {}

  /**
   * How driftguard treats ARM under load: each event's time budget (well inside Event Grid's 30 s), the client-side
   * token buckets, and the circuit breaker.
   */
  public record ArmLimits(Duration eventBudget, RateLimits rates, CircuitBreaker.Limits breaker) {}

  /**
   * Sweeps that find drift no event announced: the reconcile schedule (6-field NCRONTAB, read by the Functions host),
   * how long one reconcile run may take before it checkpoints, how many sites a sweep evaluates at a time, and where it
   * learns which apps to read.
   */
  public record SweepSettings(String reconcileSchedule, Duration reconcileTimeLimit, int parallelism, SweepSource source) {}

  /** Every setting name driftguard reads, the per-control ones included. */
  public static List<String> names() {
    List<String> names = new ArrayList<>(List.of(MODE, SUBSCRIPTIONS, SELF_OBJECT_ID, ARM_ENDPOINT, FTPS_STATE, MIN_TLS,
        ALERT_ENDPOINT, ALERT_RULE_ID, ALERT_STREAM, FLAP_MAX_FIXES, FLAP_WINDOW, FLAP_COOLDOWN, EVENT_BUDGET,
        ARM_READ_BURST, ARM_READS_PER_SECOND, ARM_WRITE_BURST, ARM_WRITES_PER_SECOND, ARM_BREAKER_FAILURES, ARM_BREAKER_OPEN,
        RECONCILE_SCHEDULE, RECONCILE_TIME_LIMIT, SWEEP_PARALLELISM, TAG_EXEMPTIONS, TAG_OPT_IN, EXEMPTION_HORIZON,
        SWEEP_SOURCE, WORKFLOW_APPS, REMINDER_INTERVAL, ACTIVITY_LOG_WORKSPACE, LOG_ANALYTICS_ENDPOINT));
    ControlCatalog.ids().forEach(id -> names.add(ModePolicy.settingName(id)));
    return names;
  }

  public static Settings fromEnvironment() {
    return from(System.getenv());
  }

  public static Settings from(Map<String, String> environment) {
    SettingsReader reader = new SettingsReader(environment);
    Mode mode = reader.parse(MODE, "notify", Mode::parse);
    Map<String, Mode> controlModes = new LinkedHashMap<>();
    for (String id : ControlCatalog.ids()) {
      String name = ModePolicy.settingName(id);
      reader.optional(name).ifPresent(value -> reader.parse(name, value, Mode::parse, m -> controlModes.put(id, m)));
    }
    refuseFixesOfReportOnlyControls(reader, controlModes);
    Set<String> subscriptions = new LinkedHashSet<>();
    reader.optional(SUBSCRIPTIONS).ifPresent(list -> Arrays.stream(list.split(","))
        .map(String::trim).filter(id -> !id.isEmpty())
        .forEach(id -> reader.check(ResourceIds.isGuid(id), SUBSCRIPTIONS + ": '" + id + "' is not a subscription id",
            () -> subscriptions.add(id))));
    Optional<String> self = reader.optional(SELF_OBJECT_ID);
    self.ifPresent(id -> reader.check(ResourceIds.isGuid(id), SELF_OBJECT_ID + ": '" + id + "' is not an object id", () -> { }));
    URI endpoint = reader.parse(ARM_ENDPOINT, DEFAULT_ARM_ENDPOINT, SettingValues::httpsEndpoint);
    FtpsTarget ftps = reader.parse(FTPS_STATE, "Disabled", FtpsTarget::parse);
    TlsVersion minTls = reader.parse(MIN_TLS, "1.2", value -> TlsVersion.parse(value)
        .orElseThrow(() -> new IllegalArgumentException("must be a TLS version such as 1.2, not '" + value + "'")));
    boolean managedIdentity = reader.optional(IDENTITY_ENDPOINT).isPresent() && reader.optional(IDENTITY_HEADER).isPresent();
    Optional<AlertTarget> alerts = alertTarget(reader);
    Optional<StorageTarget> storage = storageTarget(reader);
    FlapLimits flapping = new FlapLimits(
        reader.parse(FLAP_MAX_FIXES, "3", SettingValues::positiveInt),
        reader.parse(FLAP_WINDOW, "1h", Durations::parse),
        reader.parse(FLAP_COOLDOWN, "24h", Durations::parse));
    Duration eventBudget = reader.parse(EVENT_BUDGET, "15s", Durations::parse);
    if (eventBudget.compareTo(Duration.ofSeconds(25)) > 0) {
      reader.problem(EVENT_BUDGET + ": at most 25s, so a delivery ends inside Event Grid's 30 s window");
    }
    ArmLimits arm = new ArmLimits(eventBudget,
        new RateLimits(
            reader.parse(ARM_READ_BURST, "250", SettingValues::positiveInt),
            reader.parse(ARM_READS_PER_SECOND, "25", SettingValues::positiveInt),
            reader.parse(ARM_WRITE_BURST, "200", SettingValues::positiveInt),
            reader.parse(ARM_WRITES_PER_SECOND, "10", SettingValues::positiveInt)),
        new CircuitBreaker.Limits(
            reader.parse(ARM_BREAKER_FAILURES, "10", SettingValues::positiveInt),
            reader.parse(ARM_BREAKER_OPEN, "30s", Durations::parse)));
    SweepSettings sweeps = new SweepSettings(
        reader.parse(RECONCILE_SCHEDULE, DEFAULT_RECONCILE_SCHEDULE, SettingValues::ncrontab),
        reader.parse(RECONCILE_TIME_LIMIT, "8m", Durations::parse),
        reader.parse(SWEEP_PARALLELISM, "8", SettingValues::positiveInt),
        reader.parse(SWEEP_SOURCE, "resourcegraph", SweepSource::parse));
    TagExemptions tagExemptions = reader.parse(TAG_EXEMPTIONS, "honour", TagExemptions::parse);
    TagOptIn tagOptIn = reader.parse(TAG_OPT_IN, "none", value -> TagOptIn.parse(value, Set.copyOf(ControlCatalog.ids())));
    Optional<Duration> exemptionHorizon = reader.parse(EXEMPTION_HORIZON,
        ModePolicy.DEFAULT_EXEMPTION_HORIZON.toDays() + "d", SettingValues::durationOrOff);
    boolean workflowApps = reader.parse(WORKFLOW_APPS, "include", SettingValues::includeOrExclude);
    Optional<Duration> reminder = reader.parse(REMINDER_INTERVAL, "1d", SettingValues::durationOrOff);
    Optional<ActivityLogTarget> activityLog = activityLog(reader);
    reader.refuseUnknown(names());
    reader.throwIfProblems();
    return new Settings(mode, controlModes, subscriptions, self, endpoint, ftps, minTls, managedIdentity, alerts, storage,
        flapping, arm, sweeps, tagExemptions, tagOptIn, exemptionHorizon, workflowApps, reminder, activityLog);
  }

  /**
   * The mode policy these settings make; {@code ownSite}: driftguard's own function app (known from App Service's
   * environment where it runs there), never written.
   */
  public ModePolicy modePolicy(Optional<SiteRef> ownSite, Clock clock) {
    return new ModePolicy(mode, controlModes, tagExemptions, tagOptIn, exemptionHorizon, ownSite, clock);
  }

  /**
   * The controls these settings ask for: the TLS floor and FTPS target they name, the runtime table's dates on
   * {@code clock}, and none on Logic Apps Standard when {@code DRIFTGUARD_WORKFLOW_APPS=exclude}.
   */
  public ControlCatalog catalog(Clock clock) {
    ControlCatalog catalog = ControlCatalog.standard(minTls, ftpsTarget, clock);
    return workflowApps ? catalog : catalog.leavingOut(HostingModel.LOGIC_APPS_STANDARD,
        WORKFLOW_APPS + "=exclude leaves Logic Apps Standard workflow apps out");
  }

  /** The workspace, when set (a customer id is a GUID), with the query endpoint of the cloud. */
  private static Optional<ActivityLogTarget> activityLog(SettingsReader reader) {
    URI endpoint = reader.parse(LOG_ANALYTICS_ENDPOINT, DEFAULT_LOG_ANALYTICS_ENDPOINT, SettingValues::httpsEndpoint);
    Optional<String> workspace = reader.optional(ACTIVITY_LOG_WORKSPACE);
    workspace.ifPresent(id -> reader.check(ResourceIds.isGuid(id), ACTIVITY_LOG_WORKSPACE + ": '" + id
        + "' is not a workspace id (the workspace's customer id, a GUID)", () -> { }));
    return workspace.filter(ResourceIds::isGuid).map(id -> new ActivityLogTarget(endpoint, id));
  }

  /** A report-only control has no fix: asking for one is a mistake to say at start, not a silent notify later. */
  private static void refuseFixesOfReportOnlyControls(SettingsReader reader, Map<String, Mode> controlModes) {
    ControlCatalog.defaults().all().stream()
        .filter(control -> control.risk() == Risk.REPORT_ONLY && controlModes.get(control.id()) == Mode.AUTOFIX)
        .forEach(control -> reader.problem(ModePolicy.settingName(control.id()) + ": " + control.id()
            + " is report-only (no fix exists), so autofix is not allowed: use notify or off"));
  }

  /** All three alert settings, or none (no alerts: decisions only in the log); a partial set is an error. */
  private static Optional<AlertTarget> alertTarget(SettingsReader reader) {
    Optional<String> endpoint = reader.optional(ALERT_ENDPOINT);
    Optional<String> rule = reader.optional(ALERT_RULE_ID);
    Optional<String> stream = reader.optional(ALERT_STREAM);
    if (endpoint.isEmpty() && rule.isEmpty() && stream.isEmpty()) {
      return Optional.empty();
    }
    if (endpoint.isEmpty() || rule.isEmpty() || stream.isEmpty()) {
      reader.problem(ALERT_ENDPOINT + ", " + ALERT_RULE_ID + " and " + ALERT_STREAM + " go together: set all three or none");
      return Optional.empty();
    }
    URI uri = reader.parse(ALERT_ENDPOINT, endpoint.get(), SettingValues::httpsEndpoint);
    return Optional.of(new AlertTarget(uri, rule.get(), stream.get()));
  }

  private static Optional<StorageTarget> storageTarget(SettingsReader reader) {
    Optional<String> connection = reader.optional(STORAGE_CONNECTION);
    if (connection.isPresent()) {
      return Optional.of(new StorageTarget(connection, Optional.empty()));
    }
    Optional<URI> tableUri = reader.optional(STORAGE_TABLE_URI).map(uri -> reader.parse(STORAGE_TABLE_URI, uri, SettingValues::httpsEndpoint))
        .or(() -> reader.optional(STORAGE_ACCOUNT).map(account -> URI.create("https://" + account + ".table.core.windows.net/")));
    Optional<URI> queueUri = reader.optional(STORAGE_QUEUE_URI).map(uri -> reader.parse(STORAGE_QUEUE_URI, uri, SettingValues::httpsEndpoint))
        .or(() -> reader.optional(STORAGE_ACCOUNT).map(account -> URI.create("https://" + account + ".queue.core.windows.net/")));
    return tableUri.map(uri -> new StorageTarget(Optional.empty(), Optional.of(uri), queueUri));
  }
}
