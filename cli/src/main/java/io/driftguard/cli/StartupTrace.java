package io.driftguard.cli;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;

/**
 * With system property {@code driftguard.traceStartup=true} (a property: every {@code DRIFTGUARD_*} variable is a
 * setting, and settings are checked strictly), {@code handle} prints when each phase of its start ended, one
 * {@code driftguard-trace PHASE EPOCH_MILLIS} line on stderr each, for {@code bench start} to line up with the
 * sandbox's request logs. Off, it prints nothing and touches no management bean.
 */
final class StartupTrace {

  static final String PROPERTY = "driftguard.traceStartup";
  static final String PREFIX = "driftguard-trace ";

  private final PrintStream err;

  private StartupTrace(PrintStream err) {
    this.err = err;
  }

  /** Prints the JVM's start and {@code main}'s when tracing is on. */
  static StartupTrace fromSystemProperty(PrintStream err) {
    if (!Boolean.getBoolean(PROPERTY)) {
      return new StartupTrace(null);
    }
    StartupTrace trace = new StartupTrace(err);
    trace.at("jvm", ManagementFactory.getRuntimeMXBean().getStartTime());
    trace.at("main", Main.LOADED_AT_MILLIS);
    return trace;
  }

  void mark(String phase) {
    at(phase, System.currentTimeMillis());
  }

  private void at(String phase, long epochMillis) {
    if (err != null) {
      err.println(PREFIX + phase + " " + epochMillis);
    }
  }
}
