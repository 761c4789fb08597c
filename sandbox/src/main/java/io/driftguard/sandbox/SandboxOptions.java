package io.driftguard.sandbox;

/**
 * How to start a {@link Sandbox}. Immutable: {@code SandboxOptions.defaults().withPageSize(2)}.
 *
 * @param armPort           the HTTPS port of the fake ARM; 0 = a free port
 * @param identityPort      the plain HTTP port of the managed identity endpoint; 0 = a free port
 * @param logsIngestionPort the HTTPS port of the fake logs ingestion endpoint; 0 = a free port
 * @param pageSize          how many sites one page of a site list holds before a {@code nextLink}
 * @param identityHeader    the secret the token endpoint requires ({@code IDENTITY_HEADER}); null = a random one
 * @param throttle          the fake ARM's throttling ({@link FakeArm#throttle}); {@link ArmThrottle#OFF} (or null) =
 *                          none
 */
public record SandboxOptions(
    int armPort, int identityPort, int logsIngestionPort, int pageSize, String identityHeader,
    ArmThrottle throttle) {

  public SandboxOptions {
    checkPort(armPort);
    checkPort(identityPort);
    checkPort(logsIngestionPort);
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be positive: " + pageSize);
    }
    throttle = throttle == null ? ArmThrottle.OFF : throttle;
  }

  public static SandboxOptions defaults() {
    return new SandboxOptions(0, 0, 0, 100, null, ArmThrottle.OFF);
  }

  public SandboxOptions withArmPort(int port) {
    return new SandboxOptions(port, identityPort, logsIngestionPort, pageSize, identityHeader, throttle);
  }

  public SandboxOptions withIdentityPort(int port) {
    return new SandboxOptions(armPort, port, logsIngestionPort, pageSize, identityHeader, throttle);
  }

  public SandboxOptions withLogsIngestionPort(int port) {
    return new SandboxOptions(armPort, identityPort, port, pageSize, identityHeader, throttle);
  }

  public SandboxOptions withPageSize(int size) {
    return new SandboxOptions(armPort, identityPort, logsIngestionPort, size, identityHeader, throttle);
  }

  /** For a process whose {@code IDENTITY_HEADER} was set before the sandbox started. */
  public SandboxOptions withIdentityHeader(String header) {
    return new SandboxOptions(armPort, identityPort, logsIngestionPort, pageSize, header, throttle);
  }

  /** {@code withThrottling(ArmThrottle.azureDefaults())} throttles as Azure does. */
  public SandboxOptions withThrottling(ArmThrottle limits) {
    return new SandboxOptions(armPort, identityPort, logsIngestionPort, pageSize, identityHeader, limits);
  }

  private static void checkPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("not a port: " + port);
    }
  }
}
