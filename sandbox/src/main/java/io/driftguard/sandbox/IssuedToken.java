package io.driftguard.sandbox;

import java.time.Instant;
import java.util.List;

/** An access token the sandbox handed out (or, for {@link FakeArm#write}, the one a person would hold). */
record IssuedToken(Caller caller, String audience, Instant issuedAt, Instant expiresAt) {
  private static final String ARM_AUDIENCE = "https://management.core.windows.net/";
  /** ARM accepts both of its audiences, with or without the trailing slash. */
  static final List<String> ARM_AUDIENCES = List.of("https://management.core.windows.net/",
      "https://management.core.windows.net", "https://management.azure.com/", "https://management.azure.com");
  /** The logs ingestion API's audience: scope {@code https://monitor.azure.com//.default}, with or without slash. */
  static final List<String> MONITOR_AUDIENCES = List.of("https://monitor.azure.com", "https://monitor.azure.com/");

  /** A token as the portal or a pipeline would hold it: ARM audience, valid for an hour. */
  static IssuedToken armTokenOf(Caller caller) {
    Instant now = Instant.now();
    return new IssuedToken(caller, ARM_AUDIENCE, now.minusSeconds(300), now.plusSeconds(3300));
  }

  boolean isForArm() {
    return ARM_AUDIENCES.contains(audience);
  }

  boolean isForMonitor() {
    return MONITOR_AUDIENCES.contains(audience);
  }
}
