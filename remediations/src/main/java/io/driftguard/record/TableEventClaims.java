package io.driftguard.record;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import io.driftguard.engine.EventClaims;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Event claims in Table storage, one entity per event id: inserted only if absent, so of two instances handling one
 * event at once exactly one acts. A claim in hand lives {@link #LIVE_FOR}; then another instance may take it over (its
 * holder crashed). Handled events stay claimed as done, so later deliveries anywhere are duplicates.
 */
public final class TableEventClaims implements EventClaims {

  /**
   * Longer than any delivery takes (Event Grid waits 30 s for an answer, and one event's ARM budget is at most 25 s),
   * so a live claim means its holder is still at work; short next to Event Grid's later retry intervals (minutes).
   */
  public static final Duration LIVE_FOR = Duration.ofMinutes(1);
  private static final String ROW = "claim";
  private static final String HOLDER = "Holder";
  private static final String STATE = "State";
  private static final String EXPIRES_AT = "ExpiresAt";
  private static final String WORKING = "working";
  private static final String DONE = "done";

  private final Supplier<TableClient> table;
  /** This instance, so it releases only its own claims. */
  private final String holder = UUID.randomUUID().toString();

  public TableEventClaims(TableStorage storage) {
    this.table = storage.table(TableStorage.CLAIMS_TABLE);
  }

  @Override
  public Claim claim(String eventId, Instant now) {
    String key = TableKeys.of(eventId);
    try {
      table.get().createEntity(working(new TableEntity(key, ROW), now));
      return Claim.CLAIMED;
    } catch (TableServiceException e) {
      if (!TableStorage.lostRace(e)) {
        throw e;
      }
    }
    Optional<TableEntity> existing = TableStorage.find(table.get(), key, ROW);
    if (existing.isEmpty()) {
      // Released between our insert and our read: its holder failed retryably; Event Grid delivers it again.
      return Claim.HELD;
    }
    TableEntity claim = existing.get();
    if (DONE.equals(claim.getProperty(STATE))) {
      return Claim.DONE;
    }
    if (claim.getProperty(EXPIRES_AT) instanceof OffsetDateTime expiresAt && expiresAt.toInstant().isAfter(now)) {
      return Claim.HELD;
    }
    try {
      table.get().updateEntityWithResponse(working(claim, now), TableEntityUpdateMode.REPLACE, true, null, null);
      return Claim.CLAIMED;
    } catch (TableServiceException e) {
      if (TableStorage.lostRace(e)) {
        return Claim.HELD;
      }
      throw e;
    }
  }

  @Override
  public void done(String eventId) {
    TableEntity done = new TableEntity(TableKeys.of(eventId), ROW).addProperty(HOLDER, holder).addProperty(STATE, DONE);
    table.get().upsertEntityWithResponse(done, TableEntityUpdateMode.REPLACE, null, null);
  }

  /** Deletes the claim if it is still this instance's: after expiry another may hold it, and that one is not ours. */
  @Override
  public void release(String eventId) {
    Optional<TableEntity> claim = TableStorage.find(table.get(), TableKeys.of(eventId), ROW)
        .filter(entity -> holder.equals(entity.getProperty(HOLDER)) && WORKING.equals(entity.getProperty(STATE)));
    if (claim.isPresent()) {
      try {
        table.get().deleteEntityWithResponse(claim.get(), true, null, null);
      } catch (TableServiceException e) {
        if (!TableStorage.lostRace(e)) {
          throw e;
        }
      }
    }
  }

  private TableEntity working(TableEntity claim, Instant now) {
    return claim.addProperty(HOLDER, holder).addProperty(STATE, WORKING)
        .addProperty(EXPIRES_AT, OffsetDateTime.ofInstant(now.plus(LIVE_FOR), ZoneOffset.UTC));
  }
}
