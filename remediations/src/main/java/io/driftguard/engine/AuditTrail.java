package io.driftguard.engine;

import io.driftguard.intake.WriteEvent;
import java.util.List;

/**
 * The record of what driftguard did, one entry per event and control, written before an event is acknowledged.
 * Entries are keyed by event id and control, so a redelivered event overwrites rather than doubles them.
 */
public interface AuditTrail {

  /** No audit trail (no storage configured): decisions are only logged. */
  AuditTrail NONE = new AuditTrail() {
    @Override
    public List<Finding> earlierFindings(String eventId) {
      return List.of();
    }

    @Override
    public void record(WriteEvent event, Decision decision) {}
  };

  /** What earlier deliveries of this event recorded, so a redelivery after a failed upload still reports its fixes. */
  List<Finding> earlierFindings(String eventId);

  void record(WriteEvent event, Decision decision);
}
