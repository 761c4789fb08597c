package io.driftguard.sandbox;

import java.time.Instant;

/**
 * One request as the sandbox received it.
 *
 * @param at             when the sandbox received it
 * @param path           the decoded path, as received
 * @param query          the raw query string, "" if none
 * @param body           the request body, "" if none
 * @param status         the status answered; 0 when the connection was dropped without an answer
 * @param callerObjectId the {@code oid} of a valid bearer token, or of the {@link Caller} of {@link FakeArm#write};
 *                       null otherwise
 * @param answered       when the fake ARM had its answer ready to send (injected latency included), so that
 *                       {@code answered - at} is what the sandbox itself held the request; null where not recorded
 */
public record RecordedRequest(Instant at, String method, String path, String query, String body, int status,
    String callerObjectId, Instant answered) {

  /** A request whose answer time is not recorded. */
  public RecordedRequest(
      Instant at, String method, String path, String query, String body, int status, String callerObjectId) {
    this(at, method, path, query, body, status, callerObjectId, null);
  }
}
