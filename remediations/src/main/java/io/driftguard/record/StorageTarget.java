package io.driftguard.record;

import java.net.URI;
import java.util.Optional;

/**
 * Table storage for the audit trail and flapping state, and the queue of per-subscription sweeps: a connection
 * string, or service URIs used with the identity (no queue URI: the reconcile timer sweeps in its own instance).
 */
public record StorageTarget(Optional<String> connectionString, Optional<URI> tableServiceUri,
                            Optional<URI> queueServiceUri) {
  public StorageTarget(Optional<String> connectionString, Optional<URI> tableServiceUri) {
    this(connectionString, tableServiceUri, Optional.empty());
  }
}
