package io.driftguard.documents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The documents driftguard knows: the catalog {@code infra/documents.json}, which the build packages beside this class
 * and the Bicep templates load to build the role and the event filter, so that a new document is one entry there. It
 * is parsed strictly when this class loads: a malformed entry stops everything with a message naming it. None of them
 * reveals a secret when read: app settings, connection strings, publishing credentials, keys and
 * {@code config/authsettingsV2/list} are not documents here and never will be.
 */
public final class Documents {

  /** Where the build puts {@code infra/documents.json} (remediations/pom.xml). */
  static final String RESOURCE = "documents.json";

  // Before ALL: static fields initialise in order, and load() checks entries with these.
  private static final List<String> FIELDS =
      List.of("name", "path", "write", "rbacType", "eventTypes", "extensions", "listedWith", "why");
  /** A path under a site or slot as ARM spells it: a type, then a name, and so on. */
  private static final Pattern PATH = Pattern.compile("[A-Za-z][A-Za-z0-9]*(/[A-Za-z][A-Za-z0-9]*)*");
  /** An RBAC type suffix under {@code Microsoft.Web/sites}: empty for the site itself, else {@code /type[/name]}. */
  private static final Pattern TYPE_SUFFIX = Pattern.compile("(/[A-Za-z][A-Za-z0-9]*)*");
  /** An extension resource of a site or slot, e.g. {@code providers/Microsoft.Resources/tags/default}. */
  private static final Pattern EXTENSION = Pattern.compile("providers/[A-Za-z]+\\.[A-Za-z]+(/[A-Za-z0-9]+)+");
  private static final Pattern OPERATION = Pattern.compile("[A-Za-z]+\\.[A-Za-z]+(/[A-Za-z0-9]+)+/write");

  /** Every document, the site first. */
  public static final List<Document> ALL = load();

  /** {@code GET/PATCH {site}}: kind, tags, identity and site properties such as {@code httpsOnly}. */
  public static final Document SITE = named("site");
  /** {@code GET/PATCH {site}/config/web}: general settings such as {@code ftpsState} and {@code minTlsVersion}. */
  public static final Document WEB_CONFIG = named("config/web");
  /** {@code GET/PUT {site}/basicPublishingCredentialsPolicies/ftp}: {@code allow}; ARM has no PATCH for it. */
  public static final Document FTP_BASIC_AUTH = named("basicPublishingCredentialsPolicies/ftp");
  /** {@code GET/PUT {site}/basicPublishingCredentialsPolicies/scm}: {@code allow} (Kudu, zip deploy, WebDeploy). */
  public static final Document SCM_BASIC_AUTH = named("basicPublishingCredentialsPolicies/scm");
  /** {@code GET {site}/config/authsettingsV2}: the variant without secrets; never written. */
  public static final Document AUTH_SETTINGS = named("config/authsettingsV2");

  private Documents() {}

  /** The catalog's document of that name; one the code names must be there (it fails when this class loads). */
  public static Document named(String name) {
    return ALL.stream().filter(document -> document.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("infra/documents.json has no document '" + name + "'"));
  }

  private static List<Document> load() {
    try (InputStream in = Documents.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the document catalog " + RESOURCE + " is not beside " + Documents.class.getName()
            + " (remediations/pom.xml packages infra/documents.json there)");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The documents of a catalog's text, or an {@link IllegalStateException} naming the first malformed entry. */
  static List<Document> parse(String catalog) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(catalog);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("infra/documents.json is not JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode entries = root == null ? null : root.get("documents");
    if (entries == null || !entries.isArray() || entries.isEmpty()) {
      throw new IllegalStateException("infra/documents.json: 'documents' must be a non-empty array");
    }
    List<Document> documents = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      Entry entry = new Entry(entries.get(i), i + 1);
      Document document = entry.document();
      if (!names.add(document.name())) {
        throw entry.malformed("a second document named '" + document.name() + "'");
      }
      if ((i == 0) != document.child().isEmpty()) {
        throw entry.malformed(i == 0 ? "the first document must be the site itself (path null)"
            : "only the first document is the site itself: give its path under the site");
      }
      documents.add(document);
    }
    return List.copyOf(documents);
  }

  /** One entry of the catalog, read field by field with the reason it is refused. */
  private record Entry(JsonNode node, int number) {

    Document document() {
      if (!node.isObject()) {
        throw malformed("not an object");
      }
      Set<String> fields = new HashSet<>();
      node.fieldNames().forEachRemaining(fields::add);
      if (!fields.equals(Set.copyOf(FIELDS))) {
        throw malformed("its fields must be exactly " + FIELDS + ", not " + fields);
      }
      String name = text(node, "name", PATH);
      Optional<String> path = optionalText(node, "path", PATH);
      Optional<WriteVerb> write = optionalText(node, "write", Pattern.compile("PATCH|PUT")).map(WriteVerb::valueOf);
      String rbacType = text(node, "rbacType", TYPE_SUFFIX);
      List<String> eventTypes = texts("eventTypes", TYPE_SUFFIX);
      if (eventTypes.isEmpty()) {
        throw malformed("'eventTypes' names no write: Event Grid would never report a change to it");
      }
      List<Document.Extension> extensions = new ArrayList<>();
      for (JsonNode extension : array("extensions")) {
        Set<String> keys = new HashSet<>();
        extension.fieldNames().forEachRemaining(keys::add);
        if (!keys.equals(Set.of("child", "writeOperation"))) {
          throw malformed("an extension has exactly 'child' and 'writeOperation', not " + keys);
        }
        extensions.add(new Document.Extension(text(extension, "child", EXTENSION),
            text(extension, "writeOperation", OPERATION)));
      }
      Optional<String> listedWith = optionalText(node, "listedWith", Pattern.compile("[A-Za-z][A-Za-z0-9]*"));
      JsonNode why = node.get("why");
      if (why == null || !why.isObject() || why.size() != 3 || !why.has("read") || !why.has("write") || !why.has("list")) {
        throw malformed("'why' has exactly 'read', 'write' and 'list'");
      }
      Document.Why reasons = new Document.Why(text(why, "read", Pattern.compile("(?s).*\\S.*")),
          optionalText(why, "write", Pattern.compile("(?s).*\\S.*")),
          optionalText(why, "list", Pattern.compile("(?s).*\\S.*")));
      if (reasons.write().isPresent() != write.isPresent() || reasons.list().isPresent() != listedWith.isPresent()) {
        throw malformed("'why' says why it is written exactly when it is written, and listed exactly when it is listed");
      }
      return new Document(name, path, write, rbacType, eventTypes, extensions, listedWith, reasons);
    }

    private String text(JsonNode object, String field, Pattern form) {
      return optionalText(object, field, form).orElseThrow(() -> malformed("'" + field + "' must not be null"));
    }

    private Optional<String> optionalText(JsonNode object, String field, Pattern form) {
      JsonNode value = object.get(field);
      if (value == null || value.isNull()) {
        return Optional.empty();
      }
      if (!value.isTextual() || !form.matcher(value.asText()).matches()) {
        throw malformed("'" + field + "' must be text of the form " + form.pattern() + ", not " + value);
      }
      return Optional.of(value.asText());
    }

    private List<String> texts(String field, Pattern form) {
      List<String> values = new ArrayList<>();
      for (JsonNode value : array(field)) {
        if (!value.isTextual() || !form.matcher(value.asText()).matches()) {
          throw malformed("'" + field + "' holds " + value + ", not text of the form " + form.pattern());
        }
        values.add(value.asText());
      }
      return values;
    }

    private JsonNode array(String field) {
      JsonNode value = node.get(field);
      if (value == null || !value.isArray()) {
        throw malformed("'" + field + "' must be an array");
      }
      return value;
    }

    IllegalStateException malformed(String why) {
      JsonNode name = node.path("name");
      return new IllegalStateException("infra/documents.json, document " + number
          + (name.isTextual() ? " ('" + name.asText() + "')" : "") + ": " + why);
    }
  }
}
