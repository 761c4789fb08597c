package io.driftguard.record;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import io.driftguard.engine.Action;
import io.driftguard.engine.AuditTrail;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Finding;
import io.driftguard.intake.WriteEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The audit trail in Table storage: one entity per event (partition) and control (row), so a redelivered event
 * replaces its entries instead of adding new ones, and all entries of an event go in one transaction.
 */
public final class TableAuditTrail implements AuditTrail {

  /** The action of an entry recording a fix about to be written; its outcome replaces it. */
  static final String FIX_INTENDED = "fix-intended";

  private final Supplier<TableClient> table;
  private final Clock clock;

  public TableAuditTrail(TableStorage storage, Clock clock) {
    this.table = storage.table(TableStorage.AUDIT_TABLE);
    this.clock = clock;
  }

  @Override
  public void record(WriteEvent event, Decision decision) {
    OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    List<TableTransactionAction> upserts = decision.findings().stream()
        .map(finding -> new TableTransactionAction(TableTransactionActionType.UPSERT_REPLACE,
            entity(event, decision.outcome().label(), finding, now)))
        .toList();
    table.get().submitTransaction(upserts);
  }

  /** Intents under the keys of the entries that settle them; the outcome is not known yet. */
  @Override
  public void intend(WriteEvent event, List<Finding> fixes) {
    OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    List<TableTransactionAction> upserts = fixes.stream()
        .map(fix -> entity(event, "pending", fix, now).addProperty("Action", FIX_INTENDED))
        .map(entity -> new TableTransactionAction(TableTransactionActionType.UPSERT_REPLACE, entity))
        .toList();
    table.get().submitTransaction(upserts);
  }

  @Override
  public List<Finding> earlierFindings(String eventId) {
    ListEntitiesOptions options = new ListEntitiesOptions().setFilter("PartitionKey eq '" + TableKeys.of(eventId) + "'");
    return table.get().listEntities(options, null, null).stream()
        .map(entity -> {
          boolean intended = FIX_INTENDED.equals(text(entity, "Action"));
          return new Finding(text(entity, "Rule"), text(entity, "Title"), text(entity, "Document"),
              null, text(entity, "Before"), text(entity, "Desired"), text(entity, "Mode"), text(entity, "ModeSource"),
              intended ? Action.FIXED : Action.ofLabel(text(entity, "Action")), text(entity, "After"),
              text(entity, "ManualFix"), intended
                  ? "written by an earlier delivery of this event whose answer from ARM was lost"
                  : "recorded by an earlier delivery of this event", List.of());
        })
        .toList();
  }

  /** Entries recorded since {@code since}, newest first, for one app (site or slot name, case-insensitive) or all. */
  public List<AuditEntry> history(Optional<String> app, Instant since) {
    String filter = "RecordedAt ge datetime'" + OffsetDateTime.ofInstant(since, ZoneOffset.UTC) + "'";
    return table.get().listEntities(new ListEntitiesOptions().setFilter(filter), null, null).stream()
        .map(TableAuditTrail::entry)
        .filter(entry -> app.isEmpty() || entry.app().equalsIgnoreCase(app.get()))
        .sorted(Comparator.comparing(AuditEntry::recordedAt).reversed())
        .toList();
  }

  private static TableEntity entity(WriteEvent event, String outcome, Finding finding, OffsetDateTime now) {
    TableEntity entity = new TableEntity(TableKeys.of(event.eventId()), finding.rule());
    put(entity, "RecordedAt", now);
    put(entity, "EventId", event.eventId());
    put(entity, "EventTime", event.eventTime());
    put(entity, "ResourceId", event.site().id());
    put(entity, "App", event.site().displayName());
    put(entity, "Rule", finding.rule());
    put(entity, "Title", finding.title());
    put(entity, "Document", finding.document());
    put(entity, "Action", finding.action().label());
    put(entity, "Before", finding.observed());
    put(entity, "After", finding.action() == Action.FIXED ? finding.written() : finding.observed());
    put(entity, "Desired", finding.desired());
    put(entity, "Mode", finding.mode());
    put(entity, "ModeSource", finding.modeSource());
    put(entity, "Outcome", outcome);
    put(entity, "Actor", event.caller().actor());
    put(entity, "ActorIp", event.caller().ipAddress().orElse(null));
    put(entity, "CorrelationId", event.correlationId().orElse(null));
    put(entity, "ManualFix", finding.manualFix());
    put(entity, "Detail", finding.detail());
    return entity;
  }

  private static AuditEntry entry(TableEntity entity) {
    Object recordedAt = entity.getProperty("RecordedAt");
    return new AuditEntry(
        recordedAt instanceof OffsetDateTime time ? time : OffsetDateTime.parse(String.valueOf(recordedAt)),
        text(entity, "EventId"), text(entity, "ResourceId"), text(entity, "App"), text(entity, "Rule"),
        text(entity, "Action"), text(entity, "Before"), text(entity, "After"), text(entity, "Mode"),
        text(entity, "ModeSource"), text(entity, "Outcome"), text(entity, "Actor"), text(entity, "ActorIp"),
        text(entity, "CorrelationId"), text(entity, "Detail"));
  }

  private static void put(TableEntity entity, String name, Object value) {
    if (value != null) {
      entity.addProperty(name, value);
    }
  }

  private static String text(TableEntity entity, String name) {
    Object value = entity.getProperty(name);
    return value == null ? null : String.valueOf(value);
  }
}
