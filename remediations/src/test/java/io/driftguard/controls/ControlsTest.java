package io.driftguard.controls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.Document;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ControlsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final ControlCatalog catalog = ControlCatalog.standard(new TlsVersion(1, 2), FtpsTarget.DISABLED);

  private Evaluation evaluate(String controlId, String properties) throws Exception {
    JsonNode node = JSON.readTree(properties);
    return catalog.find(controlId).orElseThrow().evaluate(node);
  }

  @Test
  void catalogHasTheFourCardControlsWithStableIds() {
    assertEquals(List.of("https-only", "ftp-disabled", "remote-debugging-off", "min-tls"), ControlCatalog.ids());
    assertEquals(Document.SITE, catalog.find("https-only").orElseThrow().document());
    assertEquals(Document.WEB_CONFIG, catalog.find("min-tls").orElseThrow().document());
  }

  @Test
  void httpsOnly() throws Exception {
    assertTrue(evaluate("https-only", "{\"httpsOnly\":true}").compliant());
    Evaluation drift = evaluate("https-only", "{\"httpsOnly\":false}");
    assertFalse(drift.compliant());
    assertEquals("false", drift.observed());
    assertEquals(Map.of("httpsOnly", true), drift.fix());
  }

  @Test
  void missingOrMistypedValuesAreFindingsNotCrashes() throws Exception {
    for (String id : ControlCatalog.ids()) {
      Evaluation missing = evaluate(id, "{}");
      assertFalse(missing.compliant(), id);
      assertEquals("(not set)", missing.observed(), id);
      assertFalse(evaluate(id, "{\"httpsOnly\":\"yes\",\"ftpsState\":7,\"remoteDebuggingEnabled\":\"false\",\"minTlsVersion\":1.2}").compliant(), id);
    }
  }

  @ParameterizedTest
  @CsvSource({"Disabled,true", "disabled,true", "FtpsOnly,false", "AllAllowed,false", "Nonsense,false"})
  void ftpDisabledByDefaultAcceptsOnlyDisabled(String state, boolean compliant) throws Exception {
    Evaluation evaluation = evaluate("ftp-disabled", "{\"ftpsState\":\"" + state + "\"}");
    assertEquals(compliant, evaluation.compliant());
    if (!compliant) {
      assertEquals(Map.of("ftpsState", "Disabled"), evaluation.fix());
    }
  }

  @ParameterizedTest
  @CsvSource({"Disabled,true", "FtpsOnly,true", "AllAllowed,false"})
  void ftpsOnlyTargetAcceptsFtpsAndWritesIt(String state, boolean compliant) throws Exception {
    Control control = ControlCatalog.standard(new TlsVersion(1, 2), FtpsTarget.FTPS_ONLY).find("ftp-disabled").orElseThrow();
    Evaluation evaluation = control.evaluate(JSON.readTree("{\"ftpsState\":\"" + state + "\"}"));
    assertEquals(compliant, evaluation.compliant());
    if (!compliant) {
      assertEquals(Map.of("ftpsState", "FtpsOnly"), evaluation.fix());
    }
  }

  @Test
  void remoteDebuggingOff() throws Exception {
    assertTrue(evaluate("remote-debugging-off", "{\"remoteDebuggingEnabled\":false}").compliant());
    assertEquals(Map.of("remoteDebuggingEnabled", false),
        evaluate("remote-debugging-off", "{\"remoteDebuggingEnabled\":true}").fix());
  }

  @ParameterizedTest
  @CsvSource({"1.0,false", "1.1,false", "1.2,true", "1.3,true", "2.0,true", "abc,false", "'',false"})
  void minTlsAcceptsTheMinimumOrHigherAndNeverDowngrades(String version, boolean compliant) throws Exception {
    Evaluation evaluation = evaluate("min-tls", "{\"minTlsVersion\":\"" + version + "\"}");
    assertEquals(compliant, evaluation.compliant());
    assertEquals(compliant ? Map.of() : Map.of("minTlsVersion", "1.2"), evaluation.fix());
  }

  @Test
  void minTlsFollowsTheConfiguredMinimum() throws Exception {
    Control strict = ControlCatalog.standard(new TlsVersion(1, 3), FtpsTarget.DISABLED).find("min-tls").orElseThrow();
    Evaluation evaluation = strict.evaluate(JSON.readTree("{\"minTlsVersion\":\"1.2\"}"));
    assertFalse(evaluation.compliant());
    assertEquals(Map.of("minTlsVersion", "1.3"), evaluation.fix());
  }

  @Test
  void manualFixNamesTheSlot() {
    SiteRef slot = SiteRef.site("00000000-0000-0000-0000-000000000001", "rg", "app").withSlot("staging");
    assertEquals("az functionapp config set --subscription '00000000-0000-0000-0000-000000000001' -g 'rg' -n 'app'"
        + " --slot 'staging' --min-tls-version '1.2'", catalog.find("min-tls").orElseThrow().manualFix(slot));
  }

  /** Names holding every character ARM allows in a resource group (and worse): a pasted command runs nothing. */
  @Test
  void manualFixesPassEveryNameVerbatimThroughAShell() throws Exception {
    Path marker = Files.createTempDirectory("manual-fix").resolve("injected");
    List<String> hostile = List.of(".(e.id.)", "rg-\u00fc\u00f1\u03a9_\u65e5\u672c.(x)", "$(touch " + marker + ")",
        "`touch " + marker + "`", "a;touch " + marker, "it's", "'$(touch " + marker + ")'", "*", "~", "a b\tc", "$HOME",
        "!!", "\\", "\"", "x\ny", "-n");
    for (FtpsTarget ftps : FtpsTarget.values()) {
      for (Control control : ControlCatalog.standard(new TlsVersion(1, 2), ftps).all()) {
        List<String> plain = shellArguments(control.manualFix(
            SiteRef.site("00000000-0000-0000-0000-000000000001", "rg", "app").withSlot("staging")));
        for (String name : hostile) {
          SiteRef site = new SiteRef(name, name, name, Optional.of(name));
          List<String> arguments = shellArguments(control.manualFix(site));
          assertEquals(plain.size(), arguments.size(), control.manualFix(site));
          for (String option : List.of("--subscription", "-g", "-n", "--slot")) {
            assertEquals(name, arguments.get(plain.indexOf(option) + 1), option + " in " + control.manualFix(site));
          }
          assertEquals(plain.subList(plain.size() - 2, plain.size()), arguments.subList(plain.size() - 2, plain.size()));
        }
      }
    }
    assertFalse(Files.exists(marker), "a name ran a command");
  }

  /** The arguments {@code az} receives when the command is pasted into a POSIX shell (and into bash). */
  private static List<String> shellArguments(String command) throws Exception {
    List<String> arguments = null;
    for (String shell : List.of("sh", "bash")) {
      Process process = new ProcessBuilder(shell, "-c", "az() { printf '%s\\0' \"$@\"; }\n" + command)
          .redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, process.waitFor(), shell + ": " + output);
      List<String> received = List.of(output.split("\0", -1));
      received = received.subList(0, received.size() - 1);
      assertEquals("functionapp", received.get(0), output);
      assertTrue(arguments == null || arguments.equals(received), shell + " and sh disagree: " + received);
      arguments = received;
    }
    return arguments;
  }
}
