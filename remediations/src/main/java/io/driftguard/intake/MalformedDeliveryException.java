package io.driftguard.intake;

/** The delivery cannot be read as Event Grid or CloudEvents events at all. Redelivering it cannot help. */
public final class MalformedDeliveryException extends Exception {
  public MalformedDeliveryException(String reason) {
    super(reason);
  }
}
