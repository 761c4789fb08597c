package io.driftguard.documents;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One ARM document of a site or slot that controls read: where it lives, how ARM lets it be changed, the RBAC actions
 * reading and changing it need, and the writes Event Grid reports for it. The gateway, the role, the event filter and
 * intake all derive from these values, so a new document is one entry of the catalog {@link Documents} loads.
 *
 * @param name       how people, logs and findings name it: {@code site}, {@code config/web}, ...
 * @param child      the path under the site or slot; empty for the site itself. A type alone ({@code hostNameBindings})
 *                   is a collection: its GET lists the members, and a write to any member changes it
 * @param write      the verb a fix sends: PATCH with only the changed properties, PUT where ARM offers no PATCH (and
 *                   the document is small enough that the fix body is all of it); empty when driftguard never writes it
 * @param rbacType   the RBAC type under {@code Microsoft.Web/sites[/slots]}: empty for the site, e.g. {@code /config}
 * @param eventTypes the type suffixes Event Grid may name a write to it with, in {@code data.operationName}
 * @param extensions extension resources of the site or slot whose writes change it (the Tags API writes the site's
 *                   tags); they need no read action of driftguard's, as they arrive with the document's GET
 * @param listedWith the collection under the site or slot whose GET returns it with its siblings in one read (a
 *                   sweep screens documents Resource Graph does not index this way); empty when it is only read alone
 * @param why        what each of its actions is for, as the role's documentation shows it
 */
public record Document(String name, Optional<String> child, Optional<WriteVerb> write, String rbacType,
    List<String> eventTypes, List<Extension> extensions, Optional<String> listedWith, Why why) {

  /** An extension resource under a site or slot ({@code providers/...}) and the operation that writes it. */
  public record Extension(String child, String writeOperation) {}

  /** Why it is read, written (when it is) and listed (when it is). */
  public record Why(String read, Optional<String> write, Optional<String> list) {}

  private static final String SITES = "Microsoft.Web/sites";
  private static final String SLOTS = "Microsoft.Web/sites/slots";

  public Document {
    eventTypes = List.copyOf(eventTypes);
    extensions = List.copyOf(extensions);
  }

  /** Whether it is a collection of members (a type alone under the site or slot) rather than one resource. */
  public boolean isCollection() {
    return child.filter(path -> !path.contains("/")).isPresent();
  }

  /**
   * Whether a write to this child of a site or slot ({@code type/name}; empty: the site itself) changes it: it is
   * the document, or a member of it when it is a collection. ARM matches paths case-insensitively.
   */
  public boolean writtenBy(Optional<String> written) {
    if (child.isEmpty() || written.isEmpty()) {
      return child.isEmpty() && written.isEmpty();
    }
    String path = child.get().toLowerCase(Locale.ROOT);
    String target = written.get().toLowerCase(Locale.ROOT);
    return target.equals(path) || isCollection() && target.startsWith(path + "/");
  }

  /** The RBAC actions reading it needs, for sites and slots. */
  public List<String> readActions() {
    return List.of(SITES + rbacType + "/read", SLOTS + rbacType + "/read");
  }

  /** The RBAC actions fixing it needs, for sites and slots; none for a document driftguard never writes. */
  public List<String> writeActions() {
    return write.isEmpty() ? List.of() : List.of(SITES + rbacType + "/write", SLOTS + rbacType + "/write");
  }

  /** The RBAC actions listing it with its siblings needs, for sites and slots; none when it is not listed. */
  public List<String> listActions() {
    return listedWith.map(collection -> List.of(SITES + "/" + collection + "/read", SLOTS + "/" + collection + "/read"))
        .orElse(List.of());
  }

  /** The {@code data.operationName} values of the events that report a write to it, for sites and slots. */
  public List<String> eventOperations() {
    return eventTypes.stream().flatMap(type -> List.of(SITES + type + "/write", SLOTS + type + "/write").stream()).toList();
  }

  @Override
  public String toString() {
    return name;
  }
}
