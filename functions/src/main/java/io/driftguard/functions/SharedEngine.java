package io.driftguard.functions;

import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.engine.Remediator;
import io.driftguard.time.Ticker;
import java.time.Clock;

/**
 * The engine and sweeper of this Functions host, built once on first use from the app settings, shared by every
 * function so events and sweeps spend from the same ARM rate limiter.
 */
final class SharedEngine {

  record Host(Settings settings, Driftguard.Parts parts) {
    Remediator engine() {
      return parts.engine();
    }
  }

  private static volatile Host host;

  private SharedEngine() {}

  static Host get() {
    Host built = host;
    if (built == null) {
      synchronized (SharedEngine.class) {
        if (host == null) {
          Settings settings = Settings.fromEnvironment();
          host = new Host(settings, Driftguard.builder(settings, Clock.systemUTC(), Ticker.SYSTEM)
              .ownSite(OwnSite.fromEnvironment(System.getenv()))
              .buildAll());
        }
        built = host;
      }
    }
    return built;
  }
}
