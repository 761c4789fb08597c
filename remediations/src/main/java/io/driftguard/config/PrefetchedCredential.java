package io.driftguard.config;

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
 * A credential built, and its token for one scope requested, in the background as soon as the wiring starts, so that
 * the identity library's start and the token round trip overlap wiring, parsing the delivery and claiming the event
 * instead of preceding the first ARM request. That token is served while it has more than {@link #REFRESH_MARGIN}
 * left; everything else (other scopes, a failed prefetch, a token near its end) goes to the credential itself, so a
 * failed prefetch costs nothing but the attempt.
 */
final class PrefetchedCredential implements TokenCredential {

  /** azure-core's bearer policy refreshes a token this long before it expires; never serve one inside that window. */
  static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

  private final List<String> scopes;
  private final Clock clock;
  private final Background<TokenCredential> credential;
  private final Background<AccessToken> prefetched;

  private PrefetchedCredential(Supplier<TokenCredential> build, String scope, Clock clock) {
    this.scopes = List.of(scope);
    this.clock = clock;
    this.credential = Background.start("driftguard-credential", build);
    this.prefetched = Background.start("driftguard-token-prefetch",
        () -> credential.get().getTokenSync(new TokenRequestContext().setScopes(scopes)));
  }

  /** Builds the credential and fetches a token for {@code scope}, starting now. */
  static TokenCredential prefetching(Supplier<TokenCredential> build, String scope, Clock clock) {
    return new PrefetchedCredential(build, scope, clock);
  }

  @Override
  public AccessToken getTokenSync(TokenRequestContext request) {
    if (isPrefetchedScope(request)) {
      try {
        AccessToken token = prefetched.get();
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
    if (!isPrefetchedScope(request)) {
      return asked;
    }
    return Mono.fromFuture(prefetched.future(), true)
        .onErrorResume(failedPrefetch -> Mono.empty())
        .filter(this::isFresh)
        .switchIfEmpty(asked);
  }

  private boolean isPrefetchedScope(TokenRequestContext request) {
    return request.getScopes().equals(scopes) && request.getClaims() == null;
  }

  private boolean isFresh(AccessToken token) {
    return token.getExpiresAt().toInstant().isAfter(clock.instant().plus(REFRESH_MARGIN));
  }
}
