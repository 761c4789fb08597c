package io.driftguard.record;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import io.driftguard.engine.FindingState;
import io.driftguard.engine.FindingState.Status;
import io.driftguard.engine.FindingState.Step;
import io.driftguard.engine.FindingStates;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where each finding stands, in Table storage: one entity per app (or slot, its lower-cased id the partition) and
 * control (the row), replaced only if unchanged since it was read (ETag, or insert-if-absent), so instances judging the
 * same app take turns. Each step is also kept in the finding's history (one partition per finding), for
 * {@code ./driftguard history}.
 */
public final class TableFindingStates implements FindingStates {

  private final Supplier<TableClient> states;
  private final Supplier<TableClient> history;

  public TableFindingStates(TableStorage storage) {
    this.states = storage.table(TableStorage.FINDINGS_TABLE);
    this.history = storage.table(TableStorage.FINDING_HISTORY_TABLE);
  }

  @Override
  public Map<String, FindingState> of(String resource) {
    Map<String, FindingState> byRule = new LinkedHashMap<>();
    list(states.get(), "PartitionKey eq '" + TableKeys.ofResource(resource) + "'")
        .forEach(state -> byRule.put(state.rule(), state));
    return byRule;
  }

  @Override
  public boolean replace(FindingState next) {
    TableEntity entity = entity(TableKeys.ofResource(next.resource()), next.rule(), next);
    try {
      if (next.version() == null) {
        states.get().createEntity(entity);
      } else {
        entity.addProperty("odata.etag", next.version());
        states.get().updateEntityWithResponse(entity, TableEntityUpdateMode.REPLACE, true, null, null);
      }
    } catch (TableServiceException e) {
      if (TableStorage.lostRace(e)) {
        return false;
      }
      throw e;
    }
    // Newest first within a finding: the row key counts down.
    String step = String.format("%019d", Long.MAX_VALUE - next.changedAt().toEpochMilli()) + "-" + next.last().label();
    history.get().upsertEntity(entity(historyPartition(next.resource(), next.rule()), step, next));
    return true;
  }

  /** Findings not resolved (or all of them), oldest opened first. */
  public List<FindingState> findings(boolean withResolved) {
    return list(states.get(), withResolved ? null : "Status ne '" + Status.RESOLVED.label() + "'").stream()
        .sorted(Comparator.comparing(FindingState::openedAt))
        .toList();
  }

  /** The steps of one finding's life (its app's id in any casing), oldest first. */
  public List<FindingState> history(String resource, String rule) {
    List<FindingState> steps = new ArrayList<>(list(history.get(),
        "PartitionKey eq '" + historyPartition(FindingState.resourceKey(resource), rule) + "'"));
    Collections.reverse(steps);
    return steps;
  }

  private static String historyPartition(String resource, String rule) {
    return TableKeys.of(TableKeys.ofResource(resource) + "~~" + rule);
  }

  private static List<FindingState> list(TableClient table, String filter) {
    return table.listEntities(new ListEntitiesOptions().setFilter(filter), null, null).stream()
        .map(TableFindingStates::state)
        .toList();
  }

  private static TableEntity entity(String partition, String row, FindingState state) {
    return new TableEntity(partition, row)
        .addProperty("Resource", state.resource())
        .addProperty("Rule", state.rule())
        .addProperty("Status", state.status().label())
        .addProperty("Step", state.last().label())
        .addProperty("Observed", state.observed())
        .addProperty("Desired", state.desired())
        .addProperty("Mode", state.mode())
        .addProperty("Action", state.action())
        .addProperty("OpenedAt", time(state.openedAt()))
        .addProperty("NotifiedAt", time(state.notifiedAt()))
        .addProperty("ChangedAt", time(state.changedAt()))
        .addProperty("By", state.by())
        .addProperty("EventId", state.eventId());
  }

  private static FindingState state(TableEntity entity) {
    return new FindingState(text(entity, "Resource"), text(entity, "Rule"), Status.ofLabel(text(entity, "Status")),
        Step.ofLabel(text(entity, "Step")), text(entity, "Observed"), text(entity, "Desired"), text(entity, "Mode"),
        text(entity, "Action"), instant(entity, "OpenedAt"), instant(entity, "NotifiedAt"),
        instant(entity, "ChangedAt"), text(entity, "By"), text(entity, "EventId"), entity.getETag());
  }

  private static OffsetDateTime time(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static String text(TableEntity entity, String name) {
    Object value = entity.getProperty(name);
    return value == null ? "" : String.valueOf(value);
  }

  private static Instant instant(TableEntity entity, String name) {
    Object value = entity.getProperty(name);
    return value instanceof OffsetDateTime time ? time.toInstant() : Instant.EPOCH;
  }
}
