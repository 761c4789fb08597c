package io.driftguard.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A checkpoint read back from Table storage is hostile input: each part is what a sweep would have saved, or refused. */
class SweepCheckpointTest {

  private static final String RUN = "20261206T170000-abcd";
  private static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000c0de";
  private static final String SITE = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg/providers/Microsoft.Web/sites/app";

  @Test
  void aResourceGraphCheckpointHoldsThePageAndTheLastIdOfItsSubscription() {
    SweepCheckpoint checkpoint = SweepCheckpoint.resourceGraph(RUN, SUBSCRIPTION, Optional.of("dG9rZW4"),
        Optional.of(SITE + "/slots/staging"));
    assertEquals(SweepSource.RESOURCE_GRAPH, checkpoint.source());
    assertEquals(Optional.of(SITE + "/slots/staging"), checkpoint.lastId());
  }

  @Test
  void aLastIdThatIsNotASiteOfItsSubscriptionIsRefused() {
    for (String lastId : new String[] {
        SITE.replace(SUBSCRIPTION, "00000000-0000-0000-0000-0000000000ff"),
        "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg/providers/Microsoft.Web/sites/../../x",
        "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/s",
        "https://evil.example/" + SITE, ""}) {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
          () -> SweepCheckpoint.resourceGraph(RUN, SUBSCRIPTION, Optional.empty(), Optional.of(lastId)), lastId);
      assertEquals("its last id is not a site or slot of its subscription", refused.getMessage());
    }
  }

  @Test
  void partsOfOneSourceAreRefusedOnTheOther() {
    assertThrows(IllegalArgumentException.class, () -> new SweepCheckpoint(SweepSource.ARM, RUN, SUBSCRIPTION,
        Optional.empty(), 0, Optional.of(SITE)));
    assertThrows(IllegalArgumentException.class, () -> new SweepCheckpoint(SweepSource.RESOURCE_GRAPH, RUN,
        SUBSCRIPTION, Optional.empty(), 3, Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> new SweepCheckpoint(null, RUN, SUBSCRIPTION, Optional.empty(),
        0, Optional.empty()));
  }
}
