package io.driftguard.record;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One kind of claim in {@value TableStorage#CLAIMS_TABLE}: one entity per claimed key, inserted only if absent, so of
 * two instances claiming one key at once exactly one holds it. Each kind has its own row key, so no key of one kind
 * (an event id comes from outside) can name a claim of another. Anyone with data access to the table can write a
 * claim, so a stored one is believed only while it is credible: an expiry no further away than the kind's lifetime.
 */
final class ClaimRows {

  /**
   * A claim not written for this long is past its lifetime whatever its expiry says (none, or one a Table writer set
   * years ahead): the longest any kind keeps one, an event's dedupe window.
   */
  static final Duration LONGEST_LIFETIME = Duration.ofHours(24);
  /**
   * Expired claims deleted per cleanup, at most. Each is one delete (every claim is its own partition, so no batch
   * applies); a few hundred a run keep the timer well inside its time limit, and at one run every few hours that
   * outpaces the events an estate's writes raise. What is left is deleted by the next run.
   */
  static final int DELETED_PER_CLEANUP = 500;
  /**
   * How far beyond a lifetime an expiry is still believed: two instances' clocks differ a little, and one that read the
   * time a moment before another wrote its claim sees that claim expire a little more than a lifetime ahead.
   */
  static final Duration CLOCK_SLACK = Duration.ofMinutes(1);

  private static final String HOLDER = "Holder";
  private static final String STATE = "State";
  private static final String EXPIRES_AT = "ExpiresAt";
  private static final String WORKING = "working";
  private static final String DONE = "done";

  /** What a claim found. */
  enum Found { CLAIMED, DONE, HELD, TAKEN_OVER }

  /** {@code why} says, for a claim taken over, what was wrong with the one found. */
  record Claimed(Found found, String why) {}

  private final Supplier<TableClient> table;
  private final String rowKey;
  private final Duration liveFor;
  private final Duration doneFor;
  /** This instance, so it releases only its own claims. */
  private final String holder = UUID.randomUUID().toString();

  /**
   * @param rowKey the kind's row key: its namespace
   * @param doneFor how long a claim marked done stays done; zero for a kind that never marks one done, whose done
   *     claim is then taken over as not credible
   */
  ClaimRows(TableStorage storage, String rowKey, Duration liveFor, Duration doneFor) {
    this.table = storage.table(TableStorage.CLAIMS_TABLE);
    this.rowKey = rowKey;
    this.liveFor = liveFor;
    this.doneFor = doneFor;
  }

  /** {@code key} must be a safe table key ({@link TableKeys}). */
  Claimed claim(String key, Instant now) {
    try {
      table.get().createEntity(working(new TableEntity(key, rowKey), now));
      return new Claimed(Found.CLAIMED, "");
    } catch (TableServiceException e) {
      if (!TableStorage.lostRace(e)) {
        throw e;
      }
    }
    Optional<TableEntity> existing = TableStorage.find(table.get(), key, rowKey);
    if (existing.isEmpty()) {
      // Released between our insert and our read: its holder failed retryably, and the caller comes back later.
      return new Claimed(Found.HELD, "");
    }
    TableEntity claim = existing.get();
    Optional<Instant> expiresAt = claim.getProperty(EXPIRES_AT) instanceof OffsetDateTime at
        ? Optional.of(at.toInstant()) : Optional.empty();
    Object state = claim.getProperty(STATE);
    String why;
    if (DONE.equals(state)) {
      if (!doneFor.isZero() && credible(expiresAt, now, doneFor)) {
        return new Claimed(Found.DONE, "");
      }
      why = doneFor.isZero() ? "it was marked done, which this kind of claim never is"
          : "it was marked done " + lifetime(expiresAt, now, doneFor);
    } else if (WORKING.equals(state)) {
      if (credible(expiresAt, now, liveFor)) {
        return new Claimed(Found.HELD, "");
      }
      why = "it was held " + lifetime(expiresAt, now, liveFor);
    } else {
      why = "its state is not one a claim has";
    }
    try {
      table.get().updateEntityWithResponse(working(claim, now), TableEntityUpdateMode.REPLACE, true, null, null);
      return new Claimed(Found.TAKEN_OVER, why);
    } catch (TableServiceException e) {
      if (TableStorage.lostRace(e)) {
        return new Claimed(Found.HELD, "");
      }
      throw e;
    }
  }

  void done(String key, Instant now) {
    TableEntity done = new TableEntity(key, rowKey).addProperty(HOLDER, holder).addProperty(STATE, DONE)
        .addProperty(EXPIRES_AT, OffsetDateTime.ofInstant(now.plus(doneFor), ZoneOffset.UTC));
    table.get().upsertEntityWithResponse(done, TableEntityUpdateMode.REPLACE, null, null);
  }

  /** Deletes the claim if it is still this instance's: after expiry another may hold it, and that one is not ours. */
  void release(String key) {
    Optional<TableEntity> claim = TableStorage.find(table.get(), key, rowKey)
        .filter(entity -> holder.equals(entity.getProperty(HOLDER)) && WORKING.equals(entity.getProperty(STATE)));
    claim.ifPresent(this::deleteUnlessChanged);
  }

  /**
   * Deletes up to {@link #DELETED_PER_CLEANUP} claims of every kind whose lifetime has passed: expired by their own
   * word, or not written for {@link #LONGEST_LIFETIME} (the server's timestamp, which no Table writer sets). Each is
   * deleted only if unchanged since it was listed, so a claim another instance just took over is kept. Returns how
   * many were deleted.
   */
  int deleteExpired(Instant now) {
    String filter = "ExpiresAt lt datetime'" + odata(now) + "' or Timestamp lt datetime'"
        + odata(now.minus(LONGEST_LIFETIME)) + "'";
    return (int) table.get().listEntities(new ListEntitiesOptions().setFilter(filter), null, null).stream()
        .limit(DELETED_PER_CLEANUP).filter(this::deleteUnlessChanged).count();
  }

  /** A time as an OData literal takes it: milliseconds at most. */
  private static String odata(Instant time) {
    return time.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  private boolean deleteUnlessChanged(TableEntity claim) {
    try {
      table.get().deleteEntityWithResponse(claim, true, null, null);
      return true;
    } catch (TableServiceException e) {
      if (TableStorage.lostRace(e) || e.getResponse().getStatusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** Ahead of now, and no further than a claim lives (give or take clocks): one beyond is not driftguard's. */
  private static boolean credible(Optional<Instant> expiresAt, Instant now, Duration lifetime) {
    return expiresAt.isPresent() && expiresAt.get().isAfter(now)
        && !expiresAt.get().isAfter(now.plus(lifetime).plus(CLOCK_SLACK));
  }

  private static String lifetime(Optional<Instant> expiresAt, Instant now, Duration lifetime) {
    if (expiresAt.isEmpty()) {
      return "without a readable expiry";
    }
    return expiresAt.get().isAfter(now) ? "until " + expiresAt.get() + ", longer than such a claim lives (" + lifetime
        + ")" : "past its lifetime (it expired at " + expiresAt.get() + ")";
  }

  private TableEntity working(TableEntity claim, Instant now) {
    return claim.addProperty(HOLDER, holder).addProperty(STATE, WORKING)
        .addProperty(EXPIRES_AT, OffsetDateTime.ofInstant(now.plus(liveFor), ZoneOffset.UTC));
  }
}
