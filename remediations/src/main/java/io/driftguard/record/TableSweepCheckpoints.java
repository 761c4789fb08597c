package io.driftguard.record;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import io.driftguard.sweep.SweepCheckpoint;
import io.driftguard.sweep.SweepCheckpoints;
import io.driftguard.sweep.SweepSource;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Sweep checkpoints in Table storage: one entity per sweep name, replaced as the sweep advances, deleted when done.
 * Anyone with data access to the table can write one, so a stored entity is validated as it is read.
 */
public final class TableSweepCheckpoints implements SweepCheckpoints {

  private static final String PARTITION = "sweeps";

  private final Supplier<TableClient> table;

  public TableSweepCheckpoints(TableStorage storage) {
    this.table = storage.table(TableStorage.SWEEPS_TABLE);
  }

  @Override
  public Optional<SweepCheckpoint> load(String sweep) {
    return TableStorage.find(table.get(), PARTITION, TableKeys.of(sweep)).map(entity -> {
      try {
        if (entity.getProperty("Page") != null) {
          // Older versions stored the next page's URL: whoever could write it chose where the token went.
          throw new IllegalArgumentException("it carries a page URL, which checkpoints no longer hold");
        }
        return new SweepCheckpoint(
            source((String) entity.getProperty("Source")),
            (String) entity.getProperty("RunId"),
            (String) entity.getProperty("Subscription"),
            Optional.ofNullable((String) entity.getProperty("SkipToken")),
            (Integer) entity.getProperty("DoneInPage"),
            Optional.ofNullable((String) entity.getProperty("LastId")));
      } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
        throw new UnreadableCheckpointException("the stored checkpoint of sweep '" + sweep + "' was refused ("
            + (e instanceof IllegalArgumentException ? e.getMessage() : "a property has the wrong type or is missing")
            + "); sweeping from the start", e);
      }
    });
  }

  /** The source a stored label names, or null (refused) for another; none: saved before Resource Graph's were. */
  private static SweepSource source(String label) {
    return label == null ? SweepSource.ARM
        : Arrays.stream(SweepSource.values()).filter(source -> source.label().equals(label)).findFirst().orElse(null);
  }

  @Override
  public void save(String sweep, SweepCheckpoint checkpoint) {
    TableEntity entity = new TableEntity(PARTITION, TableKeys.of(sweep))
        .addProperty("Source", checkpoint.source().label())
        .addProperty("RunId", checkpoint.runId())
        .addProperty("Subscription", checkpoint.subscription())
        .addProperty("DoneInPage", checkpoint.doneInPage());
    checkpoint.skipToken().ifPresent(token -> entity.addProperty("SkipToken", token));
    checkpoint.lastId().ifPresent(id -> entity.addProperty("LastId", id));
    table.get().upsertEntityWithResponse(entity, TableEntityUpdateMode.REPLACE, null, null);
  }

  @Override
  public void clear(String sweep) {
    table.get().deleteEntity(PARTITION, TableKeys.of(sweep));
  }
}
