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
    public void intend(WriteEvent event, List<Finding> fixes) {}

    @Override
    public void record(WriteEvent event, Decision decision) {}
  };

  /**
   * What earlier deliveries of this event recorded (fixes intended but not settled included, as fixes), so a
   * redelivery after a failed upload or a lost answer still reports its fixes.
   */
  List<Finding> earlierFindings(String eventId);

  /**
   * Records fixes about to be written, under the keys their outcome will replace. Until replaced, an intent is among
   * the {@link #earlierFindings} as a fix, so a write that landed but whose answer was lost is reported by the
   * redelivery, which finds the control compliant.
   */
  void intend(WriteEvent event, List<Finding> fixes);

  void record(WriteEvent event, Decision decision);
}
