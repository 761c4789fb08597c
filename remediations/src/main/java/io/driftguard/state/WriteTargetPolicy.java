package io.driftguard.state;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipelineCallContext;
import io.driftguard.documents.Document;
import io.driftguard.documents.Documents;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The code's own least privilege: the role's {@code sites/config/write} would also let it write app settings and
 * connection strings, so every write but one of a catalog document with that document's own verb (PATCH for a site, a
 * slot or their {@code config/web}, PUT for a basic-auth publishing policy) is refused before it leaves (and before a
 * token is attached). A PUT of a whole site or config never leaves. Reads pass, and so do Resource Graph queries:
 * POSTs that only read.
 */
final class WriteTargetPolicy extends ArmPolicy {

  private static final String SITE_OR_SLOT =
      "/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Web/sites/[^/]+(/slots/[^/]+)?";

  /** Per verb, the paths of the documents written with it. */
  private static final Map<HttpMethod, Pattern> WRITABLE = writable();

  private static Map<HttpMethod, Pattern> writable() {
    Map<HttpMethod, List<String>> children = new HashMap<>();
    for (Document document : Documents.ALL) {
      document.write().ifPresent(verb -> children.computeIfAbsent(HttpMethod.valueOf(verb.name()), v -> new ArrayList<>())
          .add(document.child().map(child -> "/" + Pattern.quote(child)).orElse("")));
    }
    Map<HttpMethod, Pattern> patterns = new HashMap<>();
    children.forEach((method, paths) -> patterns.put(method,
        Pattern.compile(SITE_OR_SLOT + "(" + String.join("|", paths) + ")/?", Pattern.CASE_INSENSITIVE)));
    return patterns;
  }

  @Override
  void before(HttpPipelineCallContext context) {
    HttpMethod method = context.getHttpRequest().getHttpMethod();
    if (method == HttpMethod.GET || ResourceGraphEndpoint.isQuery(context.getHttpRequest())) {
      return;
    }
    // The path as OkHttp sends it: java.net.URL keeps a '\\' that OkHttp turns into a '/', one segment into two.
    String path = EndpointPinPolicy.asSent(context.getHttpRequest().getUrl().toString()).encodedPath();
    String lower = path.toLowerCase(Locale.ROOT);
    Pattern writable = WRITABLE.get(method);
    // An encoded '/' or '\' could turn one segment into several once ARM decodes it.
    if (writable == null || !writable.matcher(path).matches() || lower.contains("%2f") || lower.contains("%5c")) {
      throw new RefusedRequestException("refused to " + method + " " + path
          + ": driftguard writes only the documents of its catalog, each with its own verb");
    }
  }
}
