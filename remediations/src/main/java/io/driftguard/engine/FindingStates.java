package io.driftguard.engine;

import java.util.Map;

/**
 * Where each finding stands, kept across events and instances: the ledger's memory of what people were told. Writes
 * are conditional on the version read, so two instances judging the same app never both open its finding.
 */
public interface FindingStates {

  /** Nothing kept (no storage): every drift is reported as newly opened, as each event finds it. */
  FindingStates NONE = new FindingStates() {
    @Override
    public Map<String, FindingState> of(String resource) {
      return Map.of();
    }

    @Override
    public boolean replace(FindingState next) {
      return true;
    }
  };

  /** The stored findings of one app or slot (its lower-cased id), by control. */
  Map<String, FindingState> of(String resource);

  /**
   * Stores {@code next} if its finding is still at {@code next.version()} (none stored, when null), with the step in
   * the finding's history; false if another instance changed it first.
   */
  boolean replace(FindingState next);
}
