package io.driftguard.record;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import io.driftguard.fanout.UnsweptRuns;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The count of runs without a sweep, one entity per subscription beside the sweep checkpoints. The timer counts with
 * an ETag, so a sweep's reset between its read and its write is never overwritten; a stored count that is not a small
 * non-negative number (a Table writer's) counts as none.
 */
public final class TableUnsweptRuns implements UnsweptRuns {

  private static final String PARTITION = "unswept";
  private static final String RUNS = "QueuedRuns";
  /** More runs than a count can mean: a schedule every minute for years. */
  private static final int MAX_RUNS = 10_000_000;
  /** Races lost before giving up: one sweep reset per attempt at most, so a few are plenty. */
  private static final int ATTEMPTS = 5;

  private final Supplier<TableClient> table;

  public TableUnsweptRuns(TableStorage storage) {
    this.table = storage.table(TableStorage.SWEEPS_TABLE);
  }

  @Override
  public int queued(String subscription) {
    String key = key(subscription);
    for (int attempt = 1; ; attempt++) {
      Optional<TableEntity> stored = TableStorage.find(table.get(), PARTITION, key);
      int runs = stored.map(entity -> entity.getProperty(RUNS)).filter(Integer.class::isInstance)
          .map(Integer.class::cast).filter(count -> count >= 0 && count < MAX_RUNS).orElse(0) + 1;
      try {
        if (stored.isPresent()) {
          table.get().updateEntityWithResponse(stored.get().addProperty(RUNS, runs), TableEntityUpdateMode.REPLACE,
              true, null, null);
        } else {
          table.get().createEntity(new TableEntity(PARTITION, key).addProperty(RUNS, runs));
        }
        return runs;
      } catch (TableServiceException e) {
        if (!TableStorage.lostRace(e) || attempt == ATTEMPTS) {
          throw e;
        }
        // A sweep reset the count (or another timer run counted) since the read: read it again.
      }
    }
  }

  @Override
  public void swept(String subscription) {
    table.get().upsertEntityWithResponse(new TableEntity(PARTITION, key(subscription)).addProperty(RUNS, 0),
        TableEntityUpdateMode.REPLACE, null, null);
  }

  private static String key(String subscription) {
    return TableKeys.of(subscription.toLowerCase(Locale.ROOT));
  }
}
