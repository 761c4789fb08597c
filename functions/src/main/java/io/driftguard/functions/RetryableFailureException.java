package io.driftguard.functions;

/** Thrown so the Functions host fails the delivery and Event Grid redelivers the event later. */
public final class RetryableFailureException extends RuntimeException {
  public RetryableFailureException(String eventId, String reason) {
    super("event " + eventId + " will be delivered again: " + reason);
  }
}
