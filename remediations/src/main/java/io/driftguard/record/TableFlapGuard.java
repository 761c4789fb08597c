package io.driftguard.record;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.ListEntitiesOptions;
import io.driftguard.config.Durations;
import io.driftguard.config.Settings.FlapLimits;
import io.driftguard.engine.FlapGuard;
import io.driftguard.resource.SiteRef;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Flapping state in Table storage, one entity per app (or slot) and control: the recent fixes with the actor whose write
 * each one undid, and the end of a cool-down. At most {@code maxFixes} fixes within {@code window}; the next drift in
 * that window pauses auto-fix for {@code coolDown}, once, with an alert naming who keeps reverting.
 */
public final class TableFlapGuard implements FlapGuard {

  private static final String FIXES = "Fixes";
  private static final String COOL_DOWN_UNTIL = "CoolDownUntil";

  private final TableClient table;
  private final FlapLimits limits;

  public TableFlapGuard(TableStorage storage, FlapLimits limits) {
    this.table = storage.table(TableStorage.FLAPPING_TABLE);
    this.limits = limits;
  }

  @Override
  public Verdict beforeFix(SiteRef site, String rule, Instant now) {
    TableEntity entity = read(site, rule);
    Instant coolDownUntil = coolDownUntil(entity);
    if (coolDownUntil.isAfter(now)) {
      return new Verdict(false, false, coolDownUntil, "auto-fix is paused for this app and control until " + coolDownUntil
          + " because it was fixed " + limits.maxFixes() + " times within " + Durations.format(limits.window()));
    }
    List<Fix> recent = recentFixes(entity, now, coolDownUntil);
    if (recent.size() < limits.maxFixes()) {
      return Verdict.ALLOW;
    }
    Instant until = now.plus(limits.coolDown());
    entity.addProperty(COOL_DOWN_UNTIL, OffsetDateTime.ofInstant(until, ZoneOffset.UTC));
    table.upsertEntityWithResponse(entity, TableEntityUpdateMode.REPLACE, null, null);
    return new Verdict(false, true, until, "fixed " + recent.size() + " times within " + Durations.format(limits.window())
        + " and undone each time, most often by " + mostFrequentActor(recent) + " (" + actors(recent)
        + "); auto-fix is paused until " + until + ". If a pipeline or template keeps setting it, fix it there.");
  }

  @Override
  public void fixed(SiteRef site, String rule, Instant now, String actor) {
    TableEntity entity = read(site, rule);
    List<Fix> fixes = new ArrayList<>(recentFixes(entity, now, coolDownUntil(entity)));
    fixes.add(new Fix(now, actor));
    entity.addProperty(FIXES, fixes.stream().map(Fix::encode).collect(Collectors.joining("\n")));
    table.upsertEntityWithResponse(entity, TableEntityUpdateMode.REPLACE, null, null);
  }

  /** A fix that landed, and the actor whose write it undid. */
  private record Fix(Instant at, String actor) {
    String encode() {
      return at.toEpochMilli() + " " + actor.replace('\n', ' ');
    }

    static Fix decode(String line) {
      int space = line.indexOf(' ');
      return new Fix(Instant.ofEpochMilli(Long.parseLong(line.substring(0, space))), line.substring(space + 1));
    }
  }

  /** A point query: an absent entity is an empty answer, not a 404 the SDK would log as an error. */
  private TableEntity read(SiteRef site, String rule) {
    String partition = TableKeys.ofResource(site.id());
    ListEntitiesOptions pointQuery = new ListEntitiesOptions()
        .setFilter("PartitionKey eq '" + partition + "' and RowKey eq '" + rule + "'");
    return table.listEntities(pointQuery, null, null).stream().findFirst()
        .orElseGet(() -> new TableEntity(partition, rule));
  }

  /** Fixes within the window, and none from before a cool-down that has ended: those were already paid for. */
  private List<Fix> recentFixes(TableEntity entity, Instant now, Instant coolDownUntil) {
    Object stored = entity.getProperty(FIXES);
    if (stored == null || String.valueOf(stored).isEmpty()) {
      return List.of();
    }
    Instant since = now.minus(limits.window());
    Instant from = coolDownUntil.isAfter(since) ? coolDownUntil : since;
    return Arrays.stream(String.valueOf(stored).split("\n")).map(Fix::decode)
        .filter(fix -> fix.at().isAfter(from))
        .toList();
  }

  private static Instant coolDownUntil(TableEntity entity) {
    Object value = entity.getProperty(COOL_DOWN_UNTIL);
    return value instanceof OffsetDateTime time ? time.toInstant() : Instant.EPOCH;
  }

  private static String mostFrequentActor(List<Fix> fixes) {
    return fixes.stream().collect(Collectors.groupingBy(Fix::actor, Collectors.counting())).entrySet().stream()
        .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
        .map(Map.Entry::getKey).orElse("unknown");
  }

  private static String actors(List<Fix> fixes) {
    return fixes.stream().collect(Collectors.groupingBy(Fix::actor, Collectors.counting())).entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(entry -> entry.getKey() + " x" + entry.getValue())
        .collect(Collectors.joining(", "));
  }
}
