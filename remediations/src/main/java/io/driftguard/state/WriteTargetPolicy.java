package io.driftguard.state;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipelineCallContext;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The code's own least privilege: the role's {@code sites/config/write} would also let it write app settings and
 * connection strings, so every write but one to a site, a slot or their {@code config/web} is refused before it
 * leaves (and before a token is attached). Reads pass, and so do Resource Graph queries: POSTs that only read.
 */
final class WriteTargetPolicy extends ArmPolicy {

  private static final Pattern WRITABLE = Pattern.compile(
      "/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Web/sites/[^/]+(/slots/[^/]+)?(/config/web)?/?",
      Pattern.CASE_INSENSITIVE);

  @Override
  void before(HttpPipelineCallContext context) {
    if (context.getHttpRequest().getHttpMethod() == HttpMethod.GET
        || ArmGateway.isResourceGraphQuery(context.getHttpRequest())) {
      return;
    }
    String path = context.getHttpRequest().getUrl().getPath();
    String lower = path.toLowerCase(Locale.ROOT);
    // An encoded '/' or '\' could turn one segment into several once ARM decodes it.
    if (!WRITABLE.matcher(path).matches() || lower.contains("%2f") || lower.contains("%5c")) {
      throw new RefusedRequestException("refused to " + context.getHttpRequest().getHttpMethod() + " " + path
          + ": driftguard writes only sites, slots and their config/web");
    }
  }
}
