package io.driftguard.resource;

/** A resource id that driftguard refuses to act on; the message says why, without echoing hostile input at length. */
public final class InvalidResourceIdException extends Exception {
  public InvalidResourceIdException(String reason) {
    super(reason);
  }
}
