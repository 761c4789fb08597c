package io.driftguard.engine;

import static io.driftguard.engine.InMemoryPorts.CATALOG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.documents.Documents;
import io.driftguard.policy.Mode;
import io.driftguard.state.ArmException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The remedy over in-memory documents and storage: what is written, when storage is asked, and what counts. */
class RemedyTest {

  private final InMemoryPorts ports = new InMemoryPorts();

  private Remedy.Remedied remedy(Mode mode, Admitted admitted) {
    Evaluator.Judged judged = (Evaluator.Judged) new Evaluator(ports.documents, CATALOG, InMemoryPorts.modes(mode), new RefusedSettings())
        .evaluate(admitted);
    ports.log.clear();
    return new Remedy(ports.documents, new RefusedSettings(), InMemoryPorts.CLOCK).apply(admitted, judged);
  }

  private static Map<String, Action> actions(Remedy.Remedied remedied) {
    return remedied.findings().stream().collect(Collectors.toMap(Finding::rule, Finding::action));
  }

  private void drift() {
    ports.documents.properties(Documents.WEB_CONFIG).put("minTlsVersion", "1.0").put("ftpsState", "AllAllowed");
    ports.documents.properties(Documents.SITE).put("httpsOnly", false);
  }

  @Test
  void fixesGoOutAsOneSparseWritePerDocumentAfterTheirVerdictsAndIntents() {
    drift();
    Admitted admitted = ports.admitted(false);

    Remedy.Remedied remedied = remedy(Mode.AUTOFIX, admitted);

    assertEquals(Map.of("https-only", Action.FIXED, "ftp-disabled", Action.FIXED, "min-tls", Action.FIXED),
        actions(remedied));
    assertEquals(List.of("may fix https-only", "may fix ftp-disabled", "may fix min-tls",
        "intend [https-only, ftp-disabled, min-tls]",
        "write site {\"httpsOnly\":true}",
        "write config/web {\"ftpsState\":\"Disabled\",\"minTlsVersion\":\"1.2\"}"), ports.log);
    assertTrue(remedied.retryableFailure().isEmpty());
    admitted.ledger().record(admitted.decisions().skipped("recorded"));
    assertEquals(List.of("fixed https-only after alice@contoso.com", "fixed ftp-disabled after alice@contoso.com",
        "fixed min-tls after alice@contoso.com"), ports.log.subList(6, 9), "fixes are counted when the event ends");
  }

  @Test
  void aFixFlappingPausesIsReportedAndNotWritten() {
    drift();
    Instant until = Instant.parse("2026-06-02T12:00:00Z");
    ports.storage.verdicts.put("min-tls", new FlapGuard.Verdict(false, false, until, "undone each time"));

    Remedy.Remedied remedied = remedy(Mode.AUTOFIX, ports.admitted(false));

    Finding paused = remedied.findings().stream().filter(finding -> finding.rule().equals("min-tls")).findFirst()
        .orElseThrow();
    assertEquals(Action.ALERTED, paused.action());
    assertEquals("flapping back-off until " + until, paused.modeSource());
    assertTrue(ports.log.contains("write config/web {\"ftpsState\":\"Disabled\"}"), ports.log.toString());
  }

  @Test
  void aWriteArmAcceptsButDoesNotApplyFailsTheFixAndIsNotCounted() {
    drift();
    ports.documents.answers.put(Documents.WEB_CONFIG, ports.documents.resources.get(Documents.WEB_CONFIG).deepCopy());
    Admitted admitted = ports.admitted(false);

    Remedy.Remedied remedied = remedy(Mode.AUTOFIX, admitted);

    assertEquals(Action.FIX_FAILED, actions(remedied).get("min-tls"));
    assertEquals(Action.FIXED, actions(remedied).get("https-only"));
    admitted.ledger().record(admitted.decisions().skipped("recorded"));
    assertTrue(ports.log.contains("fixed https-only after alice@contoso.com"), ports.log.toString());
    assertTrue(ports.log.stream().noneMatch(call -> call.startsWith("fixed min-tls")), ports.log.toString());
  }

  @Test
  void aRetryableWriteFailureFailsItsDocumentsFixesOnly() {
    drift();
    ports.documents.writeFailures.put(Documents.WEB_CONFIG,
        new ArmException(503, "ServiceUnavailable", "config/web: ServiceUnavailable", null));

    Remedy.Remedied remedied = remedy(Mode.AUTOFIX, ports.admitted(false));

    assertEquals(Map.of("https-only", Action.FIXED, "ftp-disabled", Action.FIX_FAILED, "min-tls", Action.FIX_FAILED),
        actions(remedied));
    assertEquals(503, remedied.retryableFailure().orElseThrow().status());
  }

  @Test
  void aDryRunWritesNothingAndAsksNoStorage() {
    drift();

    Remedy.Remedied remedied = remedy(Mode.AUTOFIX, ports.admitted(true));

    assertEquals(Map.of("https-only", Action.WOULD_FIX, "ftp-disabled", Action.WOULD_FIX, "min-tls", Action.WOULD_FIX),
        actions(remedied));
    assertEquals(List.of(), ports.log);
  }
}
