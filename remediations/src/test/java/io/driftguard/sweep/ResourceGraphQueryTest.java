package io.driftguard.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.controls.Control;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.controls.Evaluation;
import io.driftguard.controls.FtpsTarget;
import io.driftguard.controls.TlsVersion;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.Document;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Resource Graph query is derived from the enabled controls and their settings, never a fixed list. */
class ResourceGraphQueryTest {

  @Test
  void eachEnabledControlAddsTheConditionThatHoldsWhenItsValueIsNotCompliant() {
    List<Control> controls = ControlCatalog.standard(new TlsVersion(1, 2), FtpsTarget.DISABLED).all();

    String query = ResourceGraphQuery.forControls(controls);

    assertTrue(query.contains("| where isnull(config)"
        + " or tostring(properties.httpsOnly) !in ('true')"
        + " or tostring(config.FtpsState) !in ('Disabled')"
        + " or tostring(config.RemoteDebuggingEnabled) !in ('false')"
        + " or tostring(config.MinTlsVersion) !in ('1.2', '1.3')\n"), query);
  }

  @Test
  void theConditionsFollowTheSettingsAndLeaveOutDisabledControls() {
    List<Control> controls = new ArrayList<>(ControlCatalog.standard(new TlsVersion(1, 3), FtpsTarget.FTPS_ONLY).all());
    controls.removeIf(control -> control.id().equals("https-only"));

    String query = ResourceGraphQuery.forControls(controls);

    assertTrue(query.contains("tostring(config.FtpsState) !in ('FtpsOnly', 'Disabled')"), query);
    assertTrue(query.contains("tostring(config.MinTlsVersion) !in ('1.3')"), query);
    assertFalse(query.contains("httpsOnly"), query);
  }

  @Test
  void aControlResourceGraphCannotJudgeMakesEveryFunctionAppACandidate() {
    Control unindexed = new Control() {
      public String id() {
        return "unindexed";
      }

      public String title() {
        return "reads a document Resource Graph does not index";
      }

      public Document document() {
        return Document.SITE;
      }

      public Evaluation evaluate(com.fasterxml.jackson.databind.JsonNode properties) {
        throw new UnsupportedOperationException();
      }

      public String manualFix(SiteRef site) {
        return "";
      }
    };
    List<Control> controls = new ArrayList<>(ControlCatalog.standard(new TlsVersion(1, 2), FtpsTarget.DISABLED).all());
    controls.add(unindexed);

    assertEquals(ResourceGraphQuery.SITES + ResourceGraphQuery.ROWS, ResourceGraphQuery.forControls(controls));
  }
}
