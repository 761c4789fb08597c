package io.driftguard.cli;

/** Process exit codes, from BSD sysexits where one fits, so scripts can tell failures apart. */
final class ExitCode {
  static final int OK = 0;
  /** {@code scan}: findings remain. */
  static final int FINDINGS = 3;
  static final int USAGE = 64;
  /** The input cannot be parsed as events. */
  static final int DATA_ERROR = 65;
  static final int NO_INPUT = 66;
  /** A service driftguard needs (e.g. Table storage) does not answer or refuses the request. */
  static final int UNAVAILABLE = 69;
  static final int SOFTWARE = 70;
  /** A retryable failure: run the same input again later. */
  static final int TEMPORARY_FAILURE = 75;
  /** The settings are invalid. */
  static final int CONFIG = 78;

  private ExitCode() {}
}
