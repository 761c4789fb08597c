package io.driftguard.config;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.engine.FindingsSink;
import io.driftguard.engine.Remediator;
import io.driftguard.engine.ScopeGuard;
import io.driftguard.policy.ModePolicy;
import io.driftguard.state.ArmGateway;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Wires a {@link Remediator} from {@link Settings}: the same wiring for the Azure Function, the launcher and the
 * tests. Build once per process and share it.
 */
public final class Driftguard {

  private final Settings settings;
  private HttpClient httpClient;
  private TokenCredential credential;
  private FindingsSink sink = FindingsSink.DECISION_OUTPUT_ONLY;
  private Duration retryBaseDelay;

  private Driftguard(Settings settings) {
    this.settings = settings;
  }

  public static Driftguard builder(Settings settings) {
    return new Driftguard(settings);
  }

  /** An HTTP client for ARM, e.g. one trusting a local certificate. Default: the JDK HttpClient. */
  public Driftguard httpClient(HttpClient httpClient) {
    this.httpClient = httpClient;
    return this;
  }

  /** Default: the managed identity where {@code IDENTITY_ENDPOINT} is set, else {@code DefaultAzureCredential}. */
  public Driftguard credential(TokenCredential credential) {
    this.credential = credential;
    return this;
  }

  public Driftguard sink(FindingsSink sink) {
    this.sink = sink;
    return this;
  }

  /** Shortens the SDK's retry back-off (0.8 s base); tests use it to keep retries fast. */
  public Driftguard retryBaseDelay(Duration baseDelay) {
    this.retryBaseDelay = baseDelay;
    return this;
  }

  public Remediator build() {
    TokenCredential effectiveCredential = credential != null ? credential
        : settings.managedIdentity() ? new ManagedIdentityCredentialBuilder().build()
        : new DefaultAzureCredentialBuilder().build();
    ArmGateway.Builder gateway = ArmGateway.builder()
        .endpoint(settings.armEndpoint())
        .credential(effectiveCredential)
        .httpClient(httpClient);
    if (retryBaseDelay != null) {
      gateway.retries(3, retryBaseDelay, retryBaseDelay.multipliedBy(10));
    }
    Supplier<String> self = settings.selfObjectId()
        .map(SelfIdentity::fixed)
        .orElseGet(() -> SelfIdentity.fromToken(effectiveCredential, ArmGateway.tokenScope(settings.armEndpoint())));
    return new Remediator(
        new ScopeGuard(settings.subscriptions(), self),
        gateway.build(),
        ControlCatalog.standard(settings.minTls(), settings.ftpsTarget()),
        new ModePolicy(settings.mode(), settings.controlModes()),
        sink);
  }
}
