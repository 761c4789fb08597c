package io.driftguard.sandbox;

import java.net.URI;
import java.time.Instant;

/**
 * A request to the fake ARM, from HTTP or from {@link FakeArm#write}.
 *
 * @param path     the decoded path
 * @param rawQuery the raw query string, "" if none
 * @param body     "" if none
 */
record ArmRequest(
    Instant at,
    String method,
    String path,
    String rawQuery,
    String body,
    String clientRequestId,
    String correlationId,
    String clientIpAddress) {

  String url(URI armEndpoint) {
    String url = armEndpoint + path.substring(1);
    return rawQuery.isEmpty() ? url : url + "?" + rawQuery;
  }
}
