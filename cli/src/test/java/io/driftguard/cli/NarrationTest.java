package io.driftguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.driftguard.engine.Action;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Finding;
import io.driftguard.engine.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The demo's narration and handle's stderr line print a decision's text without letting it drive the terminal. */
class NarrationTest {

  private static final String HOSTILE = "\u001b[2J\u001b]0;pwned\u0007\u202eevil\u202c\u0085\u009b31m\u0000\r";
  private static final String ID = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-\u00fc"
      + "/providers/Microsoft.Web/sites/func-a";

  @Test
  void everyLineIsPrintable() {
    List<Finding> findings = new ArrayList<>();
    for (Action action : Action.values()) {
      findings.add(new Finding("min-tls" + HOSTILE, "t", "config/web", "minTlsVersion" + HOSTILE, "1.0" + HOSTILE, "1.2" + HOSTILE, "notify",
          "tag" + HOSTILE, action, "1.2" + HOSTILE, "az " + HOSTILE, "403" + HOSTILE,
          List.of("P: " + HOSTILE)));
    }
    Decision decision = new Decision("e1" + HOSTILE, ID + HOSTILE, Outcome.ALERTED, "reason" + HOSTILE,
        "mallory" + HOSTILE, "2026-11-22T10:15:30Z", "Microsoft.Web/sites/write" + HOSTILE, List.of(), findings, 2, 0,
        10, false);
    Decision refused = new Decision("e2" + HOSTILE, null, Outcome.REJECTED, "refused" + HOSTILE, null, null, null,
        List.of(), List.of(), 0, 0, 1, false);

    List<String> lines = new ArrayList<>(List.of(Narration.oneLine(decision), Narration.oneLine(refused),
        Narration.outcome(refused), Narration.findingSummary(decision), Narration.event(decision).orElseThrow()));
    lines.addAll(Narration.findings(decision));
    lines.forEach(Printed::assertPrintable);
    assertEquals(Action.values().length + 1, Narration.findings(decision).size(), "alerted adds the manual fix line");
    assertEquals(Optional.empty(), Narration.event(refused), "a refused event names nobody");
  }

  @Test
  void valuesAreNamedByThePropertyTheyShow() {
    Finding fixed = new Finding("ftp-basic-auth-off", "FTP basic auth off", "ftp", "allow", "true", "false", "autofix",
        "DRIFTGUARD_MODE", Action.FIXED, "false", "az", null, List.of());
    Finding alerted = new Finding("cors-no-wildcard", "no CORS wildcard", "config/web", null, "[\"*\"]", "no '*'",
        "notify", "DRIFTGUARD_MODE", Action.ALERTED, null, "az", null, List.of());
    Decision decision = new Decision("e1", ID, Outcome.FIXED, "fixed", "mallory", "2026-11-22T10:15:30Z",
        "Microsoft.Web/sites/write", List.of(), List.of(fixed, alerted), 2, 1, 10, false);

    List<String> lines = Narration.findings(decision);

    assertEquals("fixed     ftp-basic-auth-off allow: true -> false", lines.get(0));
    assertEquals("alerted   cors-no-wildcard: [\"*\"], wants no '*' (DRIFTGUARD_MODE = notify)", lines.get(1));
  }

  @Test
  void anOutcomeSaysWhatIsLeftBesideWhatWasFixed() {
    List<Finding> findings = new ArrayList<>();
    for (Action action : List.of(Action.FIXED, Action.ALERTED, Action.FIXED)) {
      findings.add(new Finding("min-tls", "t", "config/web", "minTlsVersion", "1.0", "1.2", "autofix", "DRIFTGUARD_MODE",
          action, null, "az", null, List.of()));
    }
    Decision swept = new Decision("e1", ID, Outcome.FIXED, "fixed", null, null, null, List.of(), findings, 2, 1, 10, false);
    Decision compliant = new Decision("e2", ID, Outcome.COMPLIANT, "compliant", null, null, null, List.of(), List.of(), 2,
        0, 10, false);

    assertEquals("fixed 2, alerted 1", Narration.outcomeLeft(swept));
    assertEquals("compliant", Narration.outcomeLeft(compliant));
  }
}
