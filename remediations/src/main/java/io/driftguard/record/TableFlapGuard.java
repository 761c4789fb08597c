package io.driftguard.record;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import io.driftguard.engine.FlapGuard;
import io.driftguard.resource.SiteRef;
import io.driftguard.text.Durations;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Flapping state in Table storage, one entity per app (or slot) and control: the recent fixes with the actor whose write
 * each one undid, and the end of a cool-down. At most {@code maxFixes} fixes within {@code window}; the next drift in
 * that window pauses auto-fix for {@code coolDown}, once, with an alert naming who keeps reverting. Several instances
 * share an entity: every write is conditional on what was read (ETag, or insert-if-absent), and one that lost the race
 * reads again, so no fix goes uncounted and only one instance starts a pause.
 */
public final class TableFlapGuard implements FlapGuard {

  private static final String FIXES = "Fixes";
  private static final String COOL_DOWN_UNTIL = "CoolDownUntil";
  /** Each lost race means another write succeeded, so this bounds only a pathological pile-up of writers. */
  private static final int MAX_ATTEMPTS = 50;

  private final Supplier<TableClient> table;
  private final FlapLimits limits;

  public TableFlapGuard(TableStorage storage, FlapLimits limits) {
    this.table = storage.table(TableStorage.FLAPPING_TABLE);
    this.limits = limits;
  }

  @Override
  public Verdict beforeFix(SiteRef site, String rule, Instant now) {
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      TableEntity entity = read(site, rule);
      Instant coolDownUntil = coolDownUntil(entity);
      if (coolDownUntil.isAfter(now)) {
        return new Verdict(false, false, coolDownUntil, "auto-fix is paused for this app and control until "
            + coolDownUntil + " because it was fixed " + limits.maxFixes() + " times within "
            + Durations.format(limits.window()));
      }
      List<Fix> recent = recentFixes(entity, now, coolDownUntil);
      if (recent.size() < limits.maxFixes()) {
        return Verdict.ALLOW;
      }
      Instant until = now.plus(limits.coolDown());
      entity.addProperty(COOL_DOWN_UNTIL, OffsetDateTime.ofInstant(until, ZoneOffset.UTC));
      if (writeIfUnchanged(entity)) {
        return new Verdict(false, true, until, "fixed " + recent.size() + " times within "
            + Durations.format(limits.window()) + " and undone each time, most often by " + mostFrequentActor(recent)
            + " (" + actors(recent) + "); auto-fix is paused until " + until
            + ". If a pipeline or template keeps setting it, fix it there.");
      }
    }
    throw contended(site, rule);
  }

  @Override
  public void fixed(SiteRef site, String rule, Instant now, String actor) {
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      TableEntity entity = read(site, rule);
      List<Fix> fixes = new ArrayList<>(recentFixes(entity, now, coolDownUntil(entity)));
      fixes.add(new Fix(now, actor));
      entity.addProperty(FIXES, fixes.stream().map(Fix::encode).collect(Collectors.joining("\n")));
      if (writeIfUnchanged(entity)) {
        return;
      }
    }
    throw contended(site, rule);
  }

  /** Inserts a new entity, or replaces the one read if nobody changed it since; false if another write came first. */
  private boolean writeIfUnchanged(TableEntity entity) {
    try {
      if (entity.getETag() == null) {
        table.get().createEntity(entity);
      } else {
        table.get().updateEntityWithResponse(entity, TableEntityUpdateMode.REPLACE, true, null, null);
      }
      return true;
    } catch (TableServiceException e) {
      if (TableStorage.lostRace(e)) {
        return false;
      }
      throw e;
    }
  }

  private static IllegalStateException contended(SiteRef site, String rule) {
    return new IllegalStateException("flapping state of " + rule + " on " + site.displayName() + " changed under "
        + MAX_ATTEMPTS + " writes in a row");
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

  /** The stored entity with its ETag, or a new one without. */
  private TableEntity read(SiteRef site, String rule) {
    String partition = TableKeys.ofResource(site.id());
    return TableStorage.find(table.get(), partition, rule).orElseGet(() -> new TableEntity(partition, rule));
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
