package io.driftguard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The report stage with in-memory storage and alerts: what is recorded, published, and retried. */
class ReportTest {

  private final InMemoryPorts ports = new InMemoryPorts();
  private final Report report = new Report(ports.sink, ports.ticker);

  private static Finding finding(String rule, Action action) {
    return new Finding(rule, rule, "config/web", null, "1.0", "1.2", "autofix", "DRIFTGUARD_MODE", action, null,
        "az functionapp config set", null, List.of());
  }

  @Test
  void anEarlierDeliverysFixIsReportedAgainUnlessThisOneFoundTheSameControl() {
    ports.storage.earlier.addAll(List.of(finding("min-tls", Action.FIXED), finding("ftp-disabled", Action.FIXED),
        finding("https-only", Action.ALERTED)));
    Admitted admitted = ports.admitted(false);

    Decision decision = report.conclude(admitted, new Remedy.Remedied(List.of("min-tls", "ftp-disabled"),
        List.of(finding("min-tls", Action.ALERTED)), Optional.empty()));

    assertEquals(List.of("min-tls", "ftp-disabled"), decision.findings().stream().map(Finding::rule).toList());
    assertEquals(Outcome.FIXED, decision.outcome());
  }

  @Test
  void aDecisionWithFindingsIsAuditedThenAlerted() {
    Admitted admitted = ports.admitted(false);
    Decision decision = report.conclude(admitted, new Remedy.Remedied(List.of("min-tls"),
        List.of(finding("min-tls", Action.ALERTED)), Optional.empty()));

    Decision recorded = report.record(admitted, decision);

    assertEquals(Outcome.ALERTED, recorded.outcome());
    assertEquals(List.of("earlier findings", "audit alerted", "alert alerted"), ports.log);
  }

  @Test
  void aCompliantDecisionIsNeitherAuditedNorAlerted() {
    Admitted admitted = ports.admitted(false);
    Decision compliant = report.conclude(admitted, new Remedy.Remedied(List.of("min-tls"), List.of(),
        Optional.empty()));

    assertEquals(Outcome.COMPLIANT, report.record(admitted, compliant).outcome());
    assertEquals(List.of("earlier findings"), ports.log);
  }

  @Test
  void anAlertThatCannotGoOutFailsTheEventSoThatItIsDeliveredAgain() {
    ports.sink.down = true;
    Admitted admitted = ports.admitted(false);
    Decision alerted = report.conclude(admitted, new Remedy.Remedied(List.of("min-tls"),
        List.of(finding("min-tls", Action.ALERTED)), Optional.empty()));

    Decision recorded = report.record(admitted, alerted);

    assertTrue(recorded.retryable());
    assertEquals(Outcome.FAILED, recorded.outcome(), "nobody was told");
    assertTrue(recorded.reason().contains("alert upload failed"), recorded.reason());
  }

  @Test
  void aRetryableDecisionIsNeitherAuditedNorAlerted() {
    Admitted admitted = ports.admitted(false);

    report.record(admitted, admitted.decisions().failed(true, "ARM is busy"));

    assertEquals(List.of(), ports.log);
  }

  @Test
  void aRefusedListingIsAlertedUnlessTheSweepIsADryRun() {
    Decision dry = report.refused(new Arrival.Refused("/subscriptions/x/evil", "not of this subscription", "run", true));
    assertEquals(List.of(), ports.log);

    ports.sink.down = true;
    Decision refused = report.refused(new Arrival.Refused("/subscriptions/x/evil", "not of this subscription", "run",
        false));

    assertEquals(Outcome.FAILED, dry.outcome());
    assertEquals(List.of("alert refused listing"), ports.log);
    assertTrue(refused.reason().contains("nobody was told"), refused.reason());
    assertFalse(refused.retryable());
  }
}
