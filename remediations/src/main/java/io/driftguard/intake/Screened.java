package io.driftguard.intake;

import java.util.Optional;

/** The intake verdict on one event of a delivery. */
public sealed interface Screened {

  String eventId();

  /** A write to act on. */
  record Accepted(WriteEvent event) implements Screened {
    @Override
    public String eventId() {
      return event.eventId();
    }
  }

  /** A well-formed event that is not for driftguard (another event type, a write that cannot change a control). */
  record Ignored(String eventId, Optional<String> resource, String reason) implements Screened {}

  /** An event that claims to be for driftguard but does not hold up: forged, malformed or out of bounds. */
  record Rejected(String eventId, Optional<String> resource, String reason) implements Screened {}
}
