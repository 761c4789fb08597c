package io.driftguard.record;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import io.driftguard.sweep.SweepCheckpoint;
import io.driftguard.sweep.SweepCheckpoints;
import java.util.Optional;
import java.util.function.Supplier;

/** Sweep checkpoints in Table storage: one entity per sweep name, replaced as the sweep advances, deleted when done. */
public final class TableSweepCheckpoints implements SweepCheckpoints {

  private static final String PARTITION = "sweeps";

  private final Supplier<TableClient> table;

  public TableSweepCheckpoints(TableStorage storage) {
    this.table = storage.table(TableStorage.SWEEPS_TABLE);
  }

  @Override
  public Optional<SweepCheckpoint> load(String sweep) {
    ListEntitiesOptions pointQuery = new ListEntitiesOptions()
        .setFilter("PartitionKey eq '" + PARTITION + "' and RowKey eq '" + TableKeys.of(sweep) + "'");
    return table.get().listEntities(pointQuery, null, null).stream().findFirst().map(entity -> new SweepCheckpoint(
        String.valueOf(entity.getProperty("RunId")),
        String.valueOf(entity.getProperty("Subscription")),
        Optional.ofNullable(entity.getProperty("Page")).map(String::valueOf),
        ((Number) entity.getProperty("DoneInPage")).intValue()));
  }

  @Override
  public void save(String sweep, SweepCheckpoint checkpoint) {
    TableEntity entity = new TableEntity(PARTITION, TableKeys.of(sweep))
        .addProperty("RunId", checkpoint.runId())
        .addProperty("Subscription", checkpoint.subscription())
        .addProperty("DoneInPage", checkpoint.doneInPage());
    checkpoint.page().ifPresent(page -> entity.addProperty("Page", page));
    table.get().upsertEntityWithResponse(entity, TableEntityUpdateMode.REPLACE, null, null);
  }

  @Override
  public void clear(String sweep) {
    table.get().deleteEntity(PARTITION, TableKeys.of(sweep));
  }
}
