package io.driftguard.sandbox;

import java.time.Instant;

/**
 * One request as the sandbox received it.
 *
 * @param path           the decoded path, as received
 * @param query          the raw query string, "" if none
 * @param body           the request body, "" if none
 * @param status         the status answered; 0 when the connection was dropped without an answer
 * @param callerObjectId the {@code oid} of a valid bearer token, or of the {@link Caller} of {@link FakeArm#write};
 *                       null otherwise
 */
public record RecordedRequest(
    Instant at, String method, String path, String query, String body, int status, String callerObjectId) {}
