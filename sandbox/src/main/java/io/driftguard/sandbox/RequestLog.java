package io.driftguard.sandbox;

import java.util.ArrayList;
import java.util.List;

/** The requests one endpoint received, in order; thread-safe, read as snapshots. */
final class RequestLog {

  private final List<RecordedRequest> requests = new ArrayList<>();

  synchronized void add(RecordedRequest request) {
    requests.add(request);
  }

  synchronized List<RecordedRequest> snapshot() {
    return List.copyOf(requests);
  }

  synchronized void clear() {
    requests.clear();
  }
}
