package io.driftguard.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import io.driftguard.it.MovableClock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class PrefetchedCredentialTest {

  private static final String ARM = "https://management.azure.com/.default";
  private static final String STORAGE = "https://storage.azure.com/.default";

  private final MovableClock clock = new MovableClock();

  /** A credential that issues one-hour tokens and records who asked, on which thread, for which scope. */
  private final class IssuingCredential implements TokenCredential {
    final List<String> requests = new CopyOnWriteArrayList<>();
    volatile RuntimeException failNext;

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
      requests.add(Thread.currentThread().getName() + " " + String.join(",", request.getScopes()));
      RuntimeException failure = failNext;
      failNext = null;
      if (failure != null) {
        throw failure;
      }
      return new AccessToken("token-" + requests.size(),
          OffsetDateTime.ofInstant(clock.instant().plus(Duration.ofHours(1)), ZoneOffset.UTC));
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
      return Mono.fromCallable(() -> getTokenSync(request));
    }
  }

  private static TokenRequestContext scope(String scope) {
    return new TokenRequestContext().addScopes(scope);
  }

  private PrefetchedCredential prefetched(TokenCredential issuer) {
    PrefetchedCredential credential = PrefetchedCredential.building(() -> issuer, clock);
    credential.prefetch(ARM);
    return credential;
  }

  @Test
  void nothingIsFetchedUntilAskedToPrefetch() {
    IssuingCredential issuer = new IssuingCredential();
    PrefetchedCredential credential = PrefetchedCredential.building(() -> issuer, clock);

    assertEquals("token-1", credential.getTokenSync(scope(ARM)).getToken());
    assertEquals(List.of(Thread.currentThread().getName() + " " + ARM), issuer.requests, "asked by the caller itself");
  }

  @Test
  void thePrefetchedTokenIsFetchedOnItsOwnThreadOnceAndServedToEveryoneWhileFresh() {
    IssuingCredential issuer = new IssuingCredential();
    PrefetchedCredential credential = prefetched(issuer);
    credential.prefetch(ARM);

    AccessToken first = credential.getTokenSync(scope(ARM));
    AccessToken again = credential.getTokenSync(scope(ARM));
    AccessToken async = credential.getToken(scope(ARM)).block();

    assertEquals(List.of("driftguard-token-prefetch " + ARM), issuer.requests);
    assertSame(first, again);
    assertSame(first, async);
  }

  @Test
  void aTokenInsideTheRefreshMarginIsNeverServedTheCredentialIsAskedAgain() {
    IssuingCredential issuer = new IssuingCredential();
    TokenCredential credential = prefetched(issuer);
    AccessToken prefetched = credential.getTokenSync(scope(ARM));

    clock.advance(Duration.ofHours(1).minus(PrefetchedCredential.REFRESH_MARGIN));

    AccessToken renewed = credential.getTokenSync(scope(ARM));
    assertEquals("token-2", renewed.getToken());
    assertEquals("token-3", credential.getToken(scope(ARM)).block().getToken());
    assertEquals("token-1", prefetched.getToken());
  }

  @Test
  void otherScopesGoToTheCredential() {
    IssuingCredential issuer = new IssuingCredential();
    TokenCredential credential = prefetched(issuer);
    credential.getTokenSync(scope(ARM));

    assertEquals("token-2", credential.getTokenSync(scope(STORAGE)).getToken());
    assertEquals("token-3", credential.getToken(scope(STORAGE)).block().getToken());
    assertEquals(STORAGE, issuer.requests.get(2).split(" ")[1]);
  }

  @Test
  void aFailedPrefetchCostsOnlyTheAttemptTheNextAskGoesToTheCredential() {
    IssuingCredential issuer = new IssuingCredential();
    issuer.failNext = new IllegalStateException("identity endpoint down");
    TokenCredential credential = prefetched(issuer);

    assertEquals("token-2", credential.getTokenSync(scope(ARM)).getToken());
    assertEquals("token-3", credential.getTokenSync(scope(ARM)).getToken(), "a failed prefetch is never served");
  }

  @Test
  void aCredentialThatCannotBeBuiltFailsEveryAskAsBuildingItInlineWould() {
    IllegalArgumentException unbuildable = new IllegalArgumentException("no identity configured");
    PrefetchedCredential credential = PrefetchedCredential.building(() -> {
      throw unbuildable;
    }, clock);
    credential.prefetch(ARM);

    assertSame(unbuildable, assertThrows(IllegalArgumentException.class, () -> credential.getTokenSync(scope(ARM))));
    assertSame(unbuildable, assertThrows(IllegalArgumentException.class, () -> credential.getToken(scope(STORAGE)).block()));
  }
}
