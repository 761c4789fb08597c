package io.driftguard.controls;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.documents.Document;
import io.driftguard.resource.SiteRef;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A control as data: the document and property it judges, what is compliant, the value a fix writes, its risk and
 * default, where peers check the same, and the {@code az} command that fixes it. Most controls are one
 * {@link #property} entry in {@link ControlCatalog}; the few that judge several values bring their own {@link Judge}.
 */
public final class PropertyControl implements Control {

  /** Judges the resources a control reads. */
  @FunctionalInterface
  public interface Judge {
    Evaluation evaluate(Function<Document, JsonNode> resources);
  }

  private final String id;
  private final String title;
  private final Document document;
  private final Set<Document> reads;
  private final Judge judge;
  private final Optional<String> property;
  private final Risk risk;
  private final boolean optIn;
  private final List<String> peers;
  private final String fixCommand;
  private final Supplier<Optional<GraphPredicate>> graphPredicate;
  private final Applicability applicability;

  private PropertyControl(Builder builder) {
    this.id = Objects.requireNonNull(builder.id);
    this.title = Objects.requireNonNull(builder.title, id + ": title");
    this.document = Objects.requireNonNull(builder.document);
    this.reads = Set.copyOf(builder.reads);
    this.judge = Objects.requireNonNull(builder.judge, id + ": what is compliant");
    this.property = Optional.ofNullable(builder.pointer).map(PropertyControl::propertyPath);
    this.risk = Objects.requireNonNull(builder.risk, id + ": risk");
    this.optIn = builder.optIn;
    this.peers = List.copyOf(builder.peers);
    this.fixCommand = Objects.requireNonNull(builder.fixCommand, id + ": fix command");
    this.graphPredicate = builder.graphPredicate;
    this.applicability = builder.applicability;
  }

  /** A control on the property at {@code pointer} (a JSON pointer into the resource, e.g. {@code /properties/httpsOnly}). */
  public static Builder property(String id, Document document, String pointer) {
    return new Builder(id, document).pointer(pointer);
  }

  /** A control that judges with its own {@link Judge}. */
  public static Builder judgedBy(String id, Document document, Judge judge) {
    Builder builder = new Builder(id, document);
    builder.judge = judge;
    return builder;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String title() {
    return title;
  }

  @Override
  public Document document() {
    return document;
  }

  @Override
  public Set<Document> reads() {
    return reads;
  }

  @Override
  public Risk risk() {
    return risk;
  }

  @Override
  public boolean optIn() {
    return optIn;
  }

  @Override
  public List<String> peers() {
    return peers;
  }

  @Override
  public Optional<String> property() {
    return property;
  }

  /** {@code /properties/platform/enabled} as {@code platform.enabled}, {@code /identity/type} as {@code identity.type}. */
  private static String propertyPath(JsonPointer pointer) {
    return pointer.toString().replaceFirst("^/properties/", "").replaceFirst("^/", "").replace('/', '.');
  }

  @Override
  public Evaluation evaluate(Function<Document, JsonNode> resources) {
    return judge.evaluate(resources);
  }

  @Override
  public Applicability applicability() {
    return applicability;
  }

  @Override
  public Optional<GraphPredicate> graphPredicate() {
    return graphPredicate.get();
  }

  @Override
  public String manualFix(SiteRef site) {
    String documentId = site.id() + document.child().map(child -> "/" + child).orElse("");
    return fixCommand.replace("{target}", CliCommands.target(site))
        .replace("{document-id}", CliCommands.quoted(documentId));
  }

  @Override
  public String toString() {
    return id;
  }

  /** Builds one catalog entry; {@link #build()} refuses an entry that misses a part. */
  public static final class Builder {
    private final String id;
    private final Document document;
    private final Set<Document> reads = new LinkedHashSet<>();
    private JsonPointer pointer;
    private Judge judge;
    private String title;
    private Risk risk;
    private boolean optIn;
    private List<String> peers = List.of();
    private String fixCommand;
    private String fixedProperty;
    private List<String> wantedValues = List.of();
    private Supplier<Optional<GraphPredicate>> graphPredicate = Optional::empty;
    private Applicability applicability = Applicability.EVERYWHERE;

    private Builder(String id, Document document) {
      this.id = id;
      this.document = document;
      reads.add(document);
    }

    private Builder pointer(String path) {
      this.pointer = JsonPointer.compile(path);
      return this;
    }

    public Builder title(String title) {
      this.title = title;
      return this;
    }

    /** Compliant when {@code accepts} holds for the value; otherwise a fix writes {@code fixValue} (null: no fix). */
    public Builder compliantWhen(Predicate<JsonNode> accepts, String desired, Object fixValue) {
      JsonPointer at = Objects.requireNonNull(pointer, id + ": a judged property needs a pointer");
      String fixed = fixValue == null ? null : propertyName(at);
      this.fixedProperty = fixed;
      this.judge = resources -> {
        JsonNode value = resources.apply(document).at(at);
        String observed = Evaluation.describe(value);
        if (accepts.test(value)) {
          return Evaluation.compliant(observed, desired);
        }
        return fixed == null ? Evaluation.drift(observed, desired) : Evaluation.drift(observed, desired, fixed, fixValue);
      };
      return this;
    }

    /** Compliant when the property is the boolean {@code wanted}, which a fix writes. */
    public Builder wants(boolean wanted) {
      wantedValues = List.of(String.valueOf(wanted));
      return compliantWhen(value -> value.isBoolean() && value.booleanValue() == wanted, String.valueOf(wanted), wanted);
    }

    /** Compliant when the property is the text {@code wanted} (ARM's enums are case-insensitive), which a fix writes. */
    public Builder wants(String wanted) {
      wantedValues = List.of(wanted);
      return compliantWhen(value -> value.isTextual() && value.asText().equalsIgnoreCase(wanted), wanted, wanted);
    }

    /** Also reads {@code document} to judge. */
    public Builder alsoReads(Document other) {
      reads.add(other);
      return this;
    }

    /**
     * Resource Graph indexes the property (of the site or {@code config/web}): a sweep's pre-filter keeps only the apps
     * whose value is not the one {@link #wants} asks for. Call after {@code wants}.
     */
    public Builder indexedByResourceGraph() {
      return indexedByResourceGraph(wantedValues);
    }

    /** As {@link #indexedByResourceGraph()}, compliant when the value is one of {@code compliantValues} as ARM spells them. */
    public Builder indexedByResourceGraph(List<String> compliantValues) {
      if (fixedProperty == null || compliantValues.isEmpty()) {
        throw new IllegalStateException(id + ": a pre-filter needs the fixed property and its compliant values");
      }
      Optional<GraphPredicate> predicate =
          Optional.of(GraphPredicate.notIn(document, fixedProperty, List.copyOf(compliantValues)));
      this.graphPredicate = () -> predicate;
      return this;
    }

    /**
     * How Resource Graph can tell that a control with its own {@link Judge} may be broken, derived from what the judge
     * reads; asked afresh for each sweep, so a predicate that depends on the day stays current.
     */
    public Builder indexedByResourceGraph(Supplier<GraphPredicate> predicate) {
      this.graphPredicate = () -> Optional.of(predicate.get());
      return this;
    }

    /** Where it applies: see {@link Applicability}. */
    public Builder appliesOn(Applicability where) {
      this.applicability = where;
      return this;
    }

    public Builder risk(Risk risk) {
      this.risk = risk;
      return this;
    }

    /** Off unless a setting or tag turns it on. */
    public Builder optIn() {
      this.optIn = true;
      return this;
    }

    public Builder peers(String... peers) {
      this.peers = List.of(peers);
      return this;
    }

    /**
     * The {@code az} command that fixes it, its values in single quotes; {@code {target}} stands for the subscription,
     * group, app and slot options, {@code {document-id}} for the resource id of the control's document, both quoted.
     */
    public Builder fix(String command) {
      this.fixCommand = command;
      return this;
    }

    public PropertyControl build() {
      return new PropertyControl(this);
    }

    /** A fix writes one top-level property of the document: {@code /properties/<name>}. */
    private String propertyName(JsonPointer at) {
      if (!"properties".equals(at.getMatchingProperty()) || at.tail().tail() == null
          || !at.tail().tail().matches()) {
        throw new IllegalArgumentException(id + ": a fix writes a property directly under /properties, not " + at);
      }
      return at.tail().getMatchingProperty();
    }
  }
}
