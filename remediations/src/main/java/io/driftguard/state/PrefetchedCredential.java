package io.driftguard.state;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import io.driftguard.concurrent.Background;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * A credential built in the background from the start (the identity library's classes load beside the wiring), whose
 * token for one scope can be fetched ahead of need: {@link #prefetch(String)} starts the request on a thread of its
 * own, so that its round trip overlaps the work before the first request that needs it (claiming the event) instead of
 * preceding that request. A prefetched token is served while it has more than {@link #REFRESH_MARGIN} left;
 * everything else (other scopes, a failed prefetch, a token near its end) goes to the credential itself, so a failed
 * prefetch costs nothing but the attempt.
 */
public final class PrefetchedCredential implements TokenCredential {

  /** azure-core's bearer policy refreshes a token this long before it expires; never serve one inside that window. */
  static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

  private record Prefetch(List<String> scopes, Background<AccessToken> token) {}

  private final Background<TokenCredential> credential;
  private final Clock clock;
  private volatile Prefetch prefetch;

  private PrefetchedCredential(Supplier<? extends TokenCredential> build, Clock clock) {
    this.credential = Background.start("driftguard-credential", build);
    this.clock = clock;
  }

  /** Starts building the credential now, on a thread of its own. */
  public static PrefetchedCredential building(Supplier<? extends TokenCredential> build, Clock clock) {
    return new PrefetchedCredential(build, clock);
  }

  /** Starts fetching a token for {@code scope}, once: later calls, for any scope, do nothing. */
  public synchronized void prefetch(String scope) {
    if (prefetch == null) {
      List<String> scopes = List.of(scope);
      prefetch = new Prefetch(scopes, Background.start("driftguard-token-prefetch",
          () -> credential.get().getTokenSync(new TokenRequestContext().setScopes(scopes))));
    }
  }

  @Override
  public AccessToken getTokenSync(TokenRequestContext request) {
    Prefetch fetched = prefetchFor(request);
    if (fetched != null) {
      try {
        AccessToken token = fetched.token().get();
        if (isFresh(token)) {
          return token;
        }
      } catch (RuntimeException failedPrefetch) {
        // Asked again below, as if nothing had been prefetched: the credential's own failure is what callers see.
      }
    }
    return credential.get().getTokenSync(request);
  }

  @Override
  public Mono<AccessToken> getToken(TokenRequestContext request) {
    Mono<AccessToken> asked = Mono.defer(() -> Mono.fromFuture(credential.future(), true))
        .flatMap(built -> built.getToken(request));
    Prefetch fetched = prefetchFor(request);
    if (fetched == null) {
      return asked;
    }
    return Mono.fromFuture(fetched.token().future(), true)
        .onErrorResume(failedPrefetch -> Mono.empty())
        .filter(this::isFresh)
        .switchIfEmpty(asked);
  }

  /** The prefetch that answers {@code request}: same scope, no claims challenge. */
  private Prefetch prefetchFor(TokenRequestContext request) {
    Prefetch started = prefetch;
    return started != null && request.getScopes().equals(started.scopes()) && request.getClaims() == null
        ? started : null;
  }

  private boolean isFresh(AccessToken token) {
    return token.getExpiresAt().toInstant().isAfter(clock.instant().plus(REFRESH_MARGIN));
  }
}
