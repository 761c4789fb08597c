package io.driftguard.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.driftguard.documents.Document;
import io.driftguard.documents.Documents;
import io.driftguard.resource.HostingModel;
import io.driftguard.resource.SiteRef;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A fresh read of a site or slot: its kind and tags and each document that was read, as ARM answered it.
 * {@code lacking}: the documents ARM did not give for this app (it has none such, or refuses to show it), and why.
 */
public record SiteState(SiteRef ref, String kind, Map<String, String> tags, Map<Document, JsonNode> resources,
                        Map<Document, String> lacking) {

  public SiteState {
    tags = Map.copyOf(tags);
    resources = Map.copyOf(resources);
    lacking = Map.copyOf(lacking);
  }

  /** A state every document of which was read. */
  public SiteState(SiteRef ref, String kind, Map<String, String> tags, Map<Document, JsonNode> resources) {
    this(ref, kind, tags, resources, Map.of());
  }

  /** Why one of {@code documents} could not be read, if one could not: what reads it cannot be judged. */
  public Optional<String> lackingAny(Set<Document> documents) {
    return documents.stream().map(lacking::get).filter(Objects::nonNull).findFirst();
  }

  /** {@code kind} is a comma list such as {@code functionapp,linux}; a function app has {@code functionapp} in it. */
  public boolean isFunctionApp() {
    return isFunctionAppKind(kind);
  }

  public static boolean isFunctionAppKind(String kind) {
    return kind != null && Arrays.stream(kind.split(","))
        .anyMatch(part -> part.trim().equalsIgnoreCase("functionapp"));
  }

  /** How the app is hosted, read from its site document. */
  public HostingModel hostingModel() {
    return HostingModel.of(resource(Documents.SITE));
  }

  /** A document as ARM answered it, or a missing node when that document was not read. */
  public JsonNode resource(Document document) {
    return resources.getOrDefault(document, MissingNode.getInstance());
  }

  /** Tag names are case-insensitive in Azure. */
  public Optional<String> tag(String name) {
    // A loop, not a stream: asked several times per control on every event, mostly of apps with few or no tags.
    if (tags.isEmpty()) {
      return Optional.empty();
    }
    String wanted = name.toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      if (tag.getKey().toLowerCase(Locale.ROOT).equals(wanted)) {
        return Optional.of(tag.getValue());
      }
    }
    return Optional.empty();
  }
}
