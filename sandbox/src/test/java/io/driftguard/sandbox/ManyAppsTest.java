package io.driftguard.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.resourcemanager.appservice.fluent.models.SiteInner;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Thousands of apps, listed by the real SDK as a sweep does. Prints its timings; asserts none, as machines differ. */
class ManyAppsTest {
  private static final String SUB_A = "5ca1e000-0000-4000-8000-00000000000a";
  private static final String SUB_B = "5ca1e000-0000-4000-8000-00000000000b";
  private static final int SITES = 3_000;

  private static Sandbox sandbox;
  private static final Set<String> seededA = new HashSet<>();
  private static final Set<String> seededB = new HashSet<>();

  @BeforeAll
  static void seed() {
    sandbox = Sandbox.start(SandboxOptions.defaults().withPageSize(100));
    long start = System.nanoTime();
    for (int i = 0; i < SITES; i++) {
      String subscription = i % 2 == 0 ? SUB_A : SUB_B;
      SiteHandle site = sandbox.arm().seedSite(subscription, "rg-" + i % 7, "func-" + i, "functionapp",
          Map.of("team", "t" + i % 5), false, Map.of("ftpsState", "AllAllowed"));
      (i % 2 == 0 ? seededA : seededB).add(site.id());
    }
    System.out.printf("seeding %d sites: %d ms%n", SITES, millisSince(start));
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  @Test
  void sdkListSeesEverySiteOfTheSubscriptionOnceInIdOrder() {
    var webApps = AzureSdkCompatibilityTest.webApps(sandbox, SUB_A);
    sandbox.arm().clearRequests();

    long start = System.nanoTime();
    List<String> ids = webApps.list().stream().map(SiteInner::id).toList();
    long millis = millisSince(start);

    int pages = sandbox.arm().requests().size();
    System.out.printf("listing %d sites in %d pages: %d ms (%d ms a page)%n",
        ids.size(), pages, millis, millis / pages);
    assertEquals(seededA.size(), ids.size());
    assertEquals(seededA, new HashSet<>(ids));
    assertEquals(ids.stream().sorted(Comparator.comparing(id -> id.toLowerCase(Locale.ROOT))).toList(), ids);
    assertEquals(SITES / 2 / 100, pages);
  }

  @Test
  void listingSeesEverySiteOnceWhileSitesAreAdded() {
    var webApps = AzureSdkCompatibilityTest.webApps(sandbox, SUB_B);
    AtomicBoolean listing = new AtomicBoolean(true);
    AtomicInteger added = new AtomicInteger();
    CompletableFuture<Void> adder = CompletableFuture.runAsync(() -> {
      while (listing.get()) { // random names land both behind and ahead of the listing
        sandbox.arm().seedSite(SUB_B, "rg-new", "func-" + UUID.randomUUID(), "functionapp", Map.of(), false,
            Map.of());
        added.incrementAndGet();
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          return;
        }
      }
    });

    List<String> ids = new ArrayList<>();
    try {
      webApps.list().stream().map(SiteInner::id).forEach(ids::add);
    } finally {
      listing.set(false);
      adder.join();
    }

    System.out.printf("listing %d sites while %d were added%n", ids.size(), added.get());
    assertEquals(ids.size(), new HashSet<>(ids).size(), "no site twice");
    assertTrue(ids.containsAll(seededB), "every site that existed throughout");
    assertTrue(added.get() > 0);
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
