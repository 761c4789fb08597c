package io.driftguard.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.controls.Control;
import io.driftguard.controls.ControlCatalog;
import io.driftguard.controls.FtpsTarget;
import io.driftguard.controls.TlsVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Resource Graph query is derived from the enabled controls and their settings, never a fixed list. */
class ResourceGraphQueryTest {

  /** The catalog's controls on properties Resource Graph indexes (the site and config/web). */
  private static final Set<String> INDEXED = Set.of("https-only", "ftp-disabled", "remote-debugging-off", "min-tls",
      "scm-min-tls", "http2-enabled");

  private static List<Control> indexed(ControlCatalog catalog) {
    return catalog.all().stream().filter(control -> INDEXED.contains(control.id())).toList();
  }

  @Test
  void eachEnabledControlAddsTheConditionThatHoldsWhenItsValueIsNotCompliant() {
    String query = ResourceGraphQuery.forControls(indexed(ControlCatalog.standard(new TlsVersion(1, 2), FtpsTarget.DISABLED)));

    assertTrue(query.contains("| where isnull(config)"
        + " or tostring(properties.httpsOnly) !in ('true')"
        + " or tostring(config.FtpsState) !in ('Disabled')"
        + " or tostring(config.RemoteDebuggingEnabled) !in ('false')"
        + " or tostring(config.MinTlsVersion) !in ('1.2', '1.3')"
        + " or tostring(config.ScmMinTlsVersion) !in ('1.2', '1.3')"
        + " or tostring(config.Http20Enabled) !in ('true')\n"), query);
  }

  @Test
  void theConditionsFollowTheSettingsAndLeaveOutDisabledControls() {
    List<Control> controls = new ArrayList<>(indexed(ControlCatalog.standard(new TlsVersion(1, 3), FtpsTarget.FTPS_ONLY)));
    controls.removeIf(control -> control.id().equals("https-only"));

    String query = ResourceGraphQuery.forControls(controls);

    assertTrue(query.contains("tostring(config.FtpsState) !in ('FtpsOnly', 'Disabled')"), query);
    assertTrue(query.contains("tostring(config.MinTlsVersion) !in ('1.3')"), query);
    assertFalse(query.contains("httpsOnly"), query);
  }

  @Test
  void theDefaultCatalogReadsWhatResourceGraphDoesNotIndexSoEveryFunctionAppIsACandidate() {
    List<Control> controls = ControlCatalog.defaults().all();
    assertTrue(controls.stream().anyMatch(control -> control.id().equals("ftp-basic-auth-off")
        && control.graphPredicate().isEmpty()));

    assertEquals(ResourceGraphQuery.SITES + ResourceGraphQuery.ROWS, ResourceGraphQuery.forControls(controls));
  }
}
