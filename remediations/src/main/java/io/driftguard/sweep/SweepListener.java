package io.driftguard.sweep;

import io.driftguard.engine.Decision;

/** Hears a sweep's progress: each page listed, each site or slot decided. Called from several threads. */
public interface SweepListener {

  SweepListener SILENT = new SweepListener() {};

  default void listed(String subscription, int sites) {}

  default void decided(Decision decision) {}
}
