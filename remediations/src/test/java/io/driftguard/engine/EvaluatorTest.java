package io.driftguard.engine;

import static io.driftguard.engine.InMemoryPorts.CATALOG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.documents.Documents;
import io.driftguard.policy.Mode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Evaluation over in-memory documents: what is read, which controls are in force, and what each finds. */
class EvaluatorTest {

  private final InMemoryPorts ports = new InMemoryPorts();

  private Evaluator.Assessment evaluate(Mode mode, Admitted admitted) {
    return new Evaluator(ports.documents, CATALOG, InMemoryPorts.modes(mode), new RefusedSettings()).evaluate(admitted);
  }

  private static List<String> rules(Evaluator.Judged judged) {
    return judged.drifts().stream().map(drift -> drift.control().id()).toList();
  }

  @Test
  void aPlainWebAppStopsAfterTheSiteRead() {
    ports.documents.site().put("kind", "app");

    Evaluator.Assessment assessment = evaluate(Mode.AUTOFIX, ports.admitted(false));

    assertEquals(new Evaluator.Skip("not a function app (kind 'app')"), assessment);
    assertEquals(List.of("read site"), ports.log);
  }

  @Test
  void everyControlOffReadsNothingMore() {
    assertEquals(new Evaluator.Skip("every control is off for this app", List.of(), true),
        evaluate(Mode.OFF, ports.admitted(false)), "every control weighed: their findings are no longer tracked");
    assertEquals(List.of("read site"), ports.log);
  }

  @Test
  void eachDocumentTheControlsInForceNeedIsReadOnceAndEachDriftCarriesItsMode() {
    ports.documents.properties(Documents.WEB_CONFIG).put("minTlsVersion", "1.0");
    ports.documents.properties(Documents.SITE).put("httpsOnly", false);

    Evaluator.Judged judged = assertInstanceOf(Evaluator.Judged.class, evaluate(Mode.NOTIFY, ports.admitted(false)));

    assertEquals(List.of("https-only", "min-tls"), rules(judged));
    assertTrue(judged.drifts().stream().allMatch(drift -> drift.mode().mode() == Mode.NOTIFY));
    assertEquals(List.of("read site", "read config/web", "read basicPublishingCredentialsPolicies/ftp",
        "read basicPublishingCredentialsPolicies/scm"), ports.log);
    assertTrue(judged.evaluated().contains("ftp-basic-auth-off"), judged.evaluated().toString());
  }

  @Test
  void aDocumentArmLacksLeavesOnlyTheControlsThatReadItUnjudged() {
    ports.documents.lacking.put(Documents.SCM_BASIC_AUTH, "ARM answered 404 for the SCM policy");
    ports.documents.properties(Documents.SCM_BASIC_AUTH).put("allow", true);
    ports.documents.properties(Documents.SITE).put("httpsOnly", false);

    Evaluator.Judged judged = assertInstanceOf(Evaluator.Judged.class, evaluate(Mode.AUTOFIX, ports.admitted(false)));

    assertEquals(List.of("https-only"), rules(judged));
    assertTrue(judged.evaluated().contains("scm-basic-auth-off (not judged: ARM answered 404 for the SCM policy)"),
        judged.evaluated().toString());
    assertTrue(judged.evaluated().contains("ftp-basic-auth-off"), judged.evaluated().toString());
  }

  @Test
  void aListedSiteIsNotReadAgain() {
    ports.documents.properties(Documents.SITE).put("httpsOnly", false);
    Admitted listed = new Admitted(ports.decisions(InMemoryPorts.event()),
        Optional.of(ports.documents.site().deepCopy()), true, List.of());
    ports.documents.properties(Documents.SITE).put("httpsOnly", true);

    Evaluator.Judged judged = assertInstanceOf(Evaluator.Judged.class, evaluate(Mode.AUTOFIX, listed));

    assertEquals(List.of("https-only"), rules(judged), "judged as listed");
    assertTrue(ports.log.stream().noneMatch(call -> call.equals("read site")), ports.log.toString());
  }
}
