package io.driftguard.it;

import static io.driftguard.it.LocalAzure.CATALOG;
import static io.driftguard.it.LocalAzure.aliceWrites;
import static io.driftguard.it.LocalAzure.arm;
import static io.driftguard.it.LocalAzure.compliantConfig;
import static io.driftguard.it.LocalAzure.deliver;
import static io.driftguard.it.LocalAzure.engine;
import static io.driftguard.it.LocalAzure.functionApp;
import static io.driftguard.it.LocalAzure.requestsFor;
import static io.driftguard.it.LocalAzure.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftguard.controls.Control;
import io.driftguard.controls.Risk;
import io.driftguard.documents.Document;
import io.driftguard.documents.Documents;
import io.driftguard.engine.Action;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Finding;
import io.driftguard.engine.Outcome;
import io.driftguard.policy.ModePolicy;
import io.driftguard.sandbox.FakeArm;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.SiteHandle;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every control of the catalog, on a site and on a slot, in autofix and in notify, with the real SDK pipeline against
 * the sandbox: exact request counts, and for fixes the one sparse write with the document's own verb.
 */
class CatalogIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How each control's document looks when it drifts (the sandbox's new app already drifts for the report-only
   * network and identity controls, so they need nothing); for a collection, its members by name. A control added to
   * the catalog adds its line here.
   */
  private static final Map<String, String> DRIFT = Map.ofEntries(
      Map.entry("https-only", "{\"httpsOnly\":false}"),
      Map.entry("ftp-disabled", "{\"ftpsState\":\"AllAllowed\"}"),
      Map.entry("remote-debugging-off", "{\"remoteDebuggingEnabled\":true}"),
      Map.entry("min-tls", "{\"minTlsVersion\":\"1.0\"}"),
      Map.entry("scm-min-tls", "{\"scmMinTlsVersion\":\"1.1\"}"),
      Map.entry("ftp-basic-auth-off", "{\"allow\":true}"),
      Map.entry("scm-basic-auth-off", "{\"allow\":true}"),
      Map.entry("cors-no-wildcard", "{\"cors\":{\"allowedOrigins\":[\"https://portal.azure.com\",\"*\"],"
          + "\"supportCredentials\":false}}"),
      Map.entry("runtime-supported", "{\"linuxFxVersion\":\"Python|3.8\"}"),
      Map.entry("http2-enabled", "{\"http20Enabled\":false}"),
      Map.entry("client-cert-required", "{\"clientCertEnabled\":true,\"clientCertMode\":\"Optional\"}"),
      Map.entry("public-network-off", "{\"publicNetworkAccess\":\"Enabled\"}"),
      Map.entry("end-to-end-encryption", "{\"endToEndEncryptionEnabled\":false}"),
      Map.entry("access-restricted", "{}"),
      Map.entry("vnet-integrated", "{}"),
      Map.entry("managed-identity", "{}"),
      Map.entry("auth-enabled", "{}"),
      Map.entry("custom-domain-tls", "{\"www.contoso.com\":{\"sslState\":\"Disabled\"}}"));

  @AfterAll
  static void noSecretWasReadAndNoWholeDocumentWasPut() {
    List<RecordedRequest> requests = LocalAzure.botRequests();
    assertEquals(List.of(), requests.stream().filter(FakeArm::isSecretRevealing).toList());
    assertEquals(List.of(), requests.stream().filter(FakeArm::isWholeDocumentPut).toList());
    assertEquals(List.of(), requests.stream().filter(FakeArm::isWriteBeyondControlledDocuments).toList());
  }

  @Test
  void everyControlOfTheCatalogHasADriftSample() {
    assertEquals(Set.copyOf(LocalAzure.CATALOG.all().stream().map(Control::id).toList()), DRIFT.keySet());
  }

  static Stream<Arguments> cases() {
    return CATALOG.all().stream().flatMap(control -> Stream.of(
        Arguments.of(control.id(), "site", "autofix"), Arguments.of(control.id(), "site", "notify"),
        Arguments.of(control.id(), "slot", "autofix"), Arguments.of(control.id(), "slot", "notify")));
  }

  @ParameterizedTest(name = "{0} on a {1} in {2}")
  @MethodSource("cases")
  void everyControlInBothModesOnSitesAndSlots(String id, String where, String mode) throws Exception {
    Control control = CATALOG.find(id).orElseThrow();
    String name = uniqueName("func-" + id);
    SiteHandle site = functionApp(name, Map.of(), true, compliantConfig());
    SiteHandle target = where.equals("slot") ? LocalAzure.slot(name, "staging", true, compliantConfig()) : site;
    Document document = control.document();
    String driftBody = "{\"properties\":" + DRIFT.get(id) + "}";
    if (document.isCollection()) {
      // Each member is PUT, as ARM creates one.
      JSON.readTree(DRIFT.get(id)).fields().forEachRemaining(member -> arm().seedDocument("PUT",
          LocalAzure.path(target, document) + "/" + member.getKey(), "{\"properties\":" + member.getValue() + "}"));
    } else {
      arm().seedDocument(document.write().map(Enum::name).orElse("PUT"), LocalAzure.path(target, document), driftBody);
    }

    // Its own setting turns an opt-in control on and lets a guarded one fix; a report-only one may only notify.
    Map<String, String> settings = new HashMap<>(Map.of("DRIFTGUARD_MODE", mode));
    settings.put(ModePolicy.settingName(id), control.risk() == Risk.REPORT_ONLY ? "notify" : mode);
    Decision decision = deliver(engine(settings), aliceWrites(target.id(), "{\"properties\":{}}"));

    assertEquals(target.id(), decision.resource());
    assertEquals(1, decision.findings().size(), decision.findings().toString());
    Finding finding = decision.findings().get(0);
    assertEquals(id, finding.rule());
    assertEquals(document.name(), finding.document());
    assertFalse(finding.peers().isEmpty());
    assertTrue(finding.manualFix().startsWith("az "), finding.manualFix());

    Set<Document> read = new LinkedHashSet<>();
    CATALOG.all().stream().filter(other -> !other.optIn() || other == control).forEach(other -> read.addAll(other.reads()));
    long listedTogether = read.stream().flatMap(needed -> needed.listedWith().stream())
        .collect(Collectors.groupingBy(collection -> collection, Collectors.counting())).values().stream()
        .filter(siblings -> siblings > 1).mapToLong(siblings -> siblings - 1).sum();
    assertEquals(read.size() - listedTogether, decision.armReads(),
        "one read per document the enabled controls need, those ARM lists together (both policies) in one");
    List<RecordedRequest> writes = requestsFor(site).stream().filter(request -> !request.method().equals("GET")).toList();
    boolean fixes = mode.equals("autofix") && control.risk() != Risk.REPORT_ONLY;
    if (!fixes) {
      assertEquals(Outcome.ALERTED, decision.outcome(), decision.reason());
      assertEquals(Action.ALERTED, finding.action());
      assertEquals(0, decision.armWrites());
      assertEquals(List.of(), writes);
      return;
    }
    assertEquals(Outcome.FIXED, decision.outcome(), decision.reason());
    assertEquals(Action.FIXED, finding.action());
    assertEquals(1, decision.armWrites());
    assertEquals(1, writes.size());
    RecordedRequest write = writes.get(0);
    assertEquals(document.write().orElseThrow().name(), write.method());
    assertEquals(LocalAzure.path(target, document).toLowerCase(), write.path().toLowerCase());
    JsonNode drifted = JSON.readTree(driftBody);
    Map<String, Object> fix = control.evaluate(doc -> doc.equals(document) ? drifted : JSON.missingNode()).fix();
    assertEquals(JSON.valueToTree(Map.of("properties", fix)), JSON.readTree(write.body()), "exactly the sparse fix");
    JsonNode after = JSON.valueToTree(document.equals(Documents.WEB_CONFIG) ? arm().webConfig(target.id())
        : document.equals(Documents.SITE) ? arm().site(target.id()) : Map.of());
    if (!after.isEmpty()) {
      assertTrue(control.evaluate(doc -> after).compliant(), "ARM now holds the fixed value");
    }
  }
}
