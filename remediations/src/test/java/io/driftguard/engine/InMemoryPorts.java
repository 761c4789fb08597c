package io.driftguard.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.documents.Document;
import io.driftguard.documents.Documents;
import io.driftguard.intake.EventIntake;
import io.driftguard.intake.Screened;
import io.driftguard.intake.TestEvents;
import io.driftguard.intake.WriteEvent;
import io.driftguard.it.MovableTicker;
import io.driftguard.policy.Mode;
import io.driftguard.policy.ModePolicy;
import io.driftguard.policy.TagExemptions;
import io.driftguard.resource.HostingModel;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.ArmException;
import io.driftguard.state.CallBudget;
import io.driftguard.state.SiteDocuments;
import io.driftguard.state.SiteState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The engine's ports in memory, for the stages' unit tests: one app's documents, and storage and alerts that record
 * every call in one {@link #log}, in order, so a test sees when the engine called what.
 */
final class InMemoryPorts {

  static final ObjectMapper JSON = new ObjectMapper();
  static final ControlCatalog CATALOG = ControlCatalog.defaults();
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);
  /** Time that passes only when a test moves it. */
  final MovableTicker ticker = new MovableTicker();
  static final Duration BUDGET = Duration.ofSeconds(25);
  static final String APP = "func-orders";
  static final SiteRef SITE = SiteRef.site(TestEvents.SUBSCRIPTION, "rg", APP);

  /** Every call to the documents, storage and alerts, in order. */
  final List<String> log = new ArrayList<>();
  final AppDocuments documents = new AppDocuments();
  final Storage storage = new Storage();
  final Sink sink = new Sink();

  static ModePolicy modes(Mode mode) {
    return new ModePolicy(mode, Map.of(), TagExemptions.HONOUR, CLOCK);
  }

  static WriteEvent event() {
    return ((Screened.Accepted) screened()).event();
  }

  /** A fresh write by Alice to the app's config/web, as intake passes it. */
  static Screened screened() {
    try {
      return new EventIntake(CLOCK).screen(TestEvents.configWrite(APP).toString()).get(0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  Ledger ledger() {
    return new Ledger(storage, storage, storage, CLOCK);
  }

  Decisions decisions(WriteEvent event) {
    return new Decisions(event, ticker.nanos(), new CallBudget(BUDGET, ticker), ledger().open(event));
  }

  Admitted admitted(boolean dryRun) {
    return new Admitted(decisions(event()), Optional.empty(), dryRun, List.of());
  }

  Remediator engine(Mode mode) {
    return new Remediator(new ScopeGuard(Set.of(), () -> "driftguard-oid"), documents, CATALOG, modes(mode), ledger(),
        sink, CLOCK, ticker, BUDGET);
  }

  /**
   * One function app's documents, compliant with every control unless a test changes them; a PATCH merges its
   * properties, a PUT replaces them, as ARM does.
   */
  final class AppDocuments implements SiteDocuments {
    final Map<Document, ObjectNode> resources = new LinkedHashMap<>();
    final Map<Document, String> lacking = new HashMap<>();
    /** Answers in place of the written resource: ARM that accepts a write but keeps the old value. */
    final Map<Document, JsonNode> answers = new HashMap<>();
    final Map<Document, ArmException> writeFailures = new HashMap<>();
    /** The app was deleted: ARM answers 404 for its site. */
    boolean gone;

    AppDocuments() {
      CATALOG.compliantValues().forEach((document, values) -> resources.put(document,
          JSON.createObjectNode().set("properties", JSON.valueToTree(values))));
      site().put("kind", "functionapp,linux");
    }

    ObjectNode site() {
      return resources.get(Documents.SITE);
    }

    ObjectNode properties(Document document) {
      return (ObjectNode) resources.get(document).get("properties");
    }

    @Override
    public SiteState read(SiteRef ref, Function<HostingModel, Set<Document>> likelyNeeded, CallBudget usage) {
      log.add("read site");
      if (gone) {
        throw new ArmException(404, "ResourceNotFound", "site of " + ref.displayName() + ": ResourceNotFound", null);
      }
      return new SiteState(ref, site().path("kind").asText(), tags(), Map.of(Documents.SITE, site().deepCopy()));
    }

    @Override
    public SiteState complete(SiteState state, Set<Document> needed, CallBudget usage) {
      Map<Document, JsonNode> read = new HashMap<>(state.resources());
      Map<Document, String> absent = new HashMap<>();
      needed.stream().filter(document -> !read.containsKey(document)).forEach(document -> {
        log.add("read " + document.name());
        if (lacking.containsKey(document)) {
          absent.put(document, lacking.get(document));
        } else if (resources.containsKey(document)) {
          read.put(document, resources.get(document).deepCopy());
        }
      });
      return new SiteState(state.ref(), state.kind(), state.tags(), read, absent);
    }

    @Override
    public Map<Document, Written> writeAll(SiteRef ref, Map<Document, ObjectNode> bodies, CallBudget usage) {
      Map<Document, Written> outcomes = new LinkedHashMap<>();
      bodies.forEach((document, body) -> {
        log.add("write " + document.name() + " " + body);
        if (writeFailures.containsKey(document)) {
          outcomes.put(document, new Written(Optional.empty(), Optional.of(writeFailures.get(document))));
          return;
        }
        properties(document).setAll(body);
        outcomes.put(document, new Written(Optional.of(answers.getOrDefault(document, resources.get(document))),
            Optional.empty()));
      });
      return outcomes;
    }

    @Override
    public Map<SiteRef, SiteState> slots(SiteRef site, CallBudget usage) {
      log.add("list slots");
      return Map.of();
    }

    private Map<String, String> tags() {
      Map<String, String> tags = new HashMap<>();
      site().path("tags").fields().forEachRemaining(tag -> tags.put(tag.getKey(), tag.getValue().asText()));
      return tags;
    }
  }

  /** Claims, flapping and the audit trail, as Table storage would hold them; {@link #down} fails every call. */
  final class Storage implements EventClaims, FlapGuard, AuditTrail {
    final Map<String, Claim> claims = new HashMap<>();
    final Map<String, Verdict> verdicts = new HashMap<>();
    final List<Finding> earlier = new ArrayList<>();
    boolean down;

    private void call(String what) {
      log.add(what);
      if (down) {
        throw new IllegalStateException("storage is down");
      }
    }

    @Override
    public Claim claim(String eventId, Instant now) {
      call("claim");
      return claims.getOrDefault(eventId, Claim.CLAIMED);
    }

    @Override
    public void done(String eventId) {
      call("done");
      claims.put(eventId, Claim.DONE);
    }

    @Override
    public void release(String eventId) {
      call("release");
      claims.remove(eventId);
    }

    @Override
    public Verdict beforeFix(SiteRef site, String rule, Instant now) {
      call("may fix " + rule);
      return verdicts.getOrDefault(rule, Verdict.ALLOW);
    }

    @Override
    public void fixed(SiteRef site, String rule, Instant now, String actor) {
      call("fixed " + rule + " after " + actor);
    }

    @Override
    public List<Finding> earlierFindings(String eventId) {
      call("earlier findings");
      return earlier;
    }

    @Override
    public void intend(WriteEvent event, List<Finding> fixes) {
      call("intend " + fixes.stream().map(Finding::rule).toList());
    }

    @Override
    public void record(WriteEvent event, Decision decision) {
      call("audit " + decision.outcome().label());
    }
  }

  /** Alert rows; {@link #down} fails every upload. */
  final class Sink implements FindingsSink {
    boolean down;

    @Override
    public void publish(WriteEvent event, List<WriteEvent> alsoAnswered, Decision decision, List<Notice> notices) {
      log.add("alert " + decision.outcome().label());
      if (down) {
        throw new IllegalStateException("ingestion is down");
      }
    }

    @Override
    public void publishRefusedListing(Decision refusal, String runId) {
      log.add("alert refused listing");
      if (down) {
        throw new IllegalStateException("ingestion is down");
      }
    }

    @Override
    public void sweepAbandoned(String subscription, String messageId, String problem) {
      log.add("alert sweep abandoned");
    }
  }
}
