package io.driftguard.controls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.driftguard.documents.Document;
import io.driftguard.documents.Documents;
import io.driftguard.resource.HostingModel;
import io.driftguard.resource.SiteRef;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
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
  private static final Clock NOV_2026 = Clock.fixed(Instant.parse("2026-11-29T00:00:00Z"), ZoneOffset.UTC);
  private final ControlCatalog catalog = ControlCatalog.standard(new TlsVersion(1, 2), FtpsTarget.DISABLED, NOV_2026);

  /** Judges {@code properties} as the given document's {@code properties}; other documents are unread. */
  private Evaluation evaluate(String controlId, Document document, String properties) throws Exception {
    JsonNode resource = JSON.createObjectNode().set("properties", JSON.readTree(properties));
    return catalog.find(controlId).orElseThrow()
        .evaluate(read -> read.equals(document) ? resource : MissingNode.getInstance());
  }

  private Evaluation config(String controlId, String properties) throws Exception {
    return evaluate(controlId, Documents.WEB_CONFIG, properties);
  }

  @Test
  void theCardControlsKeepTheirIdsAndEveryIdIsUnique() {
    assertEquals(List.of("https-only", "ftp-disabled", "remote-debugging-off", "min-tls"), ControlCatalog.ids().subList(0, 4));
    assertEquals(ControlCatalog.ids().size(), ControlCatalog.ids().stream().distinct().count());
    assertEquals(Documents.SITE, catalog.find("https-only").orElseThrow().document());
    assertEquals(Documents.WEB_CONFIG, catalog.find("min-tls").orElseThrow().document());
  }

  private List<String> notApplicableOn(HostingModel model) {
    return catalog.all().stream().filter(control -> control.applicability().notApplicableOn(model).isPresent())
        .map(Control::id).toList();
  }

  @Test
  void eachHostingModelLeavesOutTheControlsItHasNoSettingFor() {
    for (HostingModel model : List.of(HostingModel.WINDOWS_ELASTIC_PREMIUM, HostingModel.WINDOWS_DEDICATED,
        HostingModel.LINUX_PREMIUM_OR_DEDICATED, HostingModel.LINUX_CONTAINER)) {
      assertEquals(List.of(), notApplicableOn(model), model.label());
    }
    assertEquals(List.of("ftp-disabled", "ftp-basic-auth-off", "end-to-end-encryption"),
        notApplicableOn(HostingModel.FLEX_CONSUMPTION));
    assertEquals("Flex Consumption has no FTP", catalog.find("ftp-disabled").orElseThrow().applicability()
        .notApplicableOn(HostingModel.FLEX_CONSUMPTION).orElseThrow());
    assertEquals(List.of("ftp-disabled", "scm-min-tls", "ftp-basic-auth-off", "scm-basic-auth-off", "vnet-integrated"),
        notApplicableOn(HostingModel.LINUX_CONSUMPTION));
    assertEquals(List.of("vnet-integrated"), notApplicableOn(HostingModel.WINDOWS_CONSUMPTION));
    assertEquals(List.of("public-network-off", "vnet-integrated"), notApplicableOn(HostingModel.APP_SERVICE_ENVIRONMENT));
    assertEquals(List.of("runtime-supported"), notApplicableOn(HostingModel.LOGIC_APPS_STANDARD),
        "every App Service control applies to a workflow app");
    for (HostingModel configuredElsewhere : List.of(HostingModel.CONTAINER_APPS, HostingModel.ARC)) {
      List<String> applicable = catalog.all().stream().map(Control::id)
          .filter(id -> !notApplicableOn(configuredElsewhere).contains(id)).toList();
      assertEquals(List.of("managed-identity"), applicable, "only the identity is the site's own there");
    }
    assertTrue(catalog.find("https-only").orElseThrow().applicability().notApplicableOn(HostingModel.CONTAINER_APPS)
        .orElseThrow().contains("Container Apps environment holds this setting"), "the reason says where it lives");
  }

  @Test
  void everyControlJudgesAnUnreadDocumentAsAFindingOrSaysItCannotJudge() {
    for (Control control : catalog.all()) {
      Evaluation unread = control.evaluate(document -> MissingNode.getInstance());
      assertTrue(!unread.compliant() || !unread.judged() || control.id().equals("cors-no-wildcard"), control.id());
      assertFalse(control.peers().isEmpty(), control.id());
      assertTrue(control.manualFix(SiteRef.site("s", "rg", "app")).startsWith("az "), control.id());
      if (control.risk() == Risk.REPORT_ONLY) {
        assertEquals(Map.of(), unread.fix(), control.id() + " is report-only: no fix");
      }
    }
  }

  @Test
  void httpsOnly() throws Exception {
    assertTrue(evaluate("https-only", Documents.SITE, "{\"httpsOnly\":true}").compliant());
    Evaluation drift = evaluate("https-only", Documents.SITE, "{\"httpsOnly\":false}");
    assertFalse(drift.compliant());
    assertEquals("false", drift.observed());
    assertEquals(Map.of("httpsOnly", true), drift.fix());
    assertFalse(evaluate("https-only", Documents.SITE, "{\"httpsOnly\":\"true\"}").compliant(), "mistyped is a finding");
  }

  @ParameterizedTest
  @CsvSource({"Disabled,true", "disabled,true", "FtpsOnly,false", "AllAllowed,false", "Nonsense,false"})
  void ftpDisabledByDefaultAcceptsOnlyDisabled(String state, boolean compliant) throws Exception {
    Evaluation evaluation = config("ftp-disabled", "{\"ftpsState\":\"" + state + "\"}");
    assertEquals(compliant, evaluation.compliant());
    assertEquals(compliant ? Map.of() : Map.of("ftpsState", "Disabled"), evaluation.fix());
  }

  @ParameterizedTest
  @CsvSource({"Disabled,true", "FtpsOnly,true", "AllAllowed,false"})
  void ftpsOnlyTargetAcceptsFtpsAndWritesIt(String state, boolean compliant) throws Exception {
    Control control = ControlCatalog.standard(new TlsVersion(1, 2), FtpsTarget.FTPS_ONLY, NOV_2026).find("ftp-disabled").orElseThrow();
    JsonNode resource = JSON.readTree("{\"properties\":{\"ftpsState\":\"" + state + "\"}}");
    Evaluation evaluation = control.evaluate(document -> resource);
    assertEquals(compliant, evaluation.compliant());
    assertEquals(compliant ? Map.of() : Map.of("ftpsState", "FtpsOnly"), evaluation.fix());
  }

  @Test
  void remoteDebuggingOff() throws Exception {
    assertTrue(config("remote-debugging-off", "{\"remoteDebuggingEnabled\":false}").compliant());
    assertEquals(Map.of("remoteDebuggingEnabled", false), config("remote-debugging-off", "{\"remoteDebuggingEnabled\":true}").fix());
  }

  @ParameterizedTest
  @CsvSource({"1.0,false", "1.1,false", "1.2,true", "1.3,true", "2.0,true", "abc,false", "'',false"})
  void bothTlsMinimumsAcceptTheMinimumOrHigherAndNeverDowngrade(String version, boolean compliant) throws Exception {
    assertEquals(compliant ? Map.of() : Map.of("minTlsVersion", "1.2"),
        config("min-tls", "{\"minTlsVersion\":\"" + version + "\"}").fix());
    assertEquals(compliant ? Map.of() : Map.of("scmMinTlsVersion", "1.2"),
        config("scm-min-tls", "{\"scmMinTlsVersion\":\"" + version + "\"}").fix());
    assertEquals(compliant, config("scm-min-tls", "{\"scmMinTlsVersion\":\"" + version + "\"}").compliant());
  }

  @Test
  void minTlsFollowsTheConfiguredMinimum() throws Exception {
    Control strict = ControlCatalog.standard(new TlsVersion(1, 3), FtpsTarget.DISABLED, NOV_2026).find("min-tls").orElseThrow();
    JsonNode resource = JSON.readTree("{\"properties\":{\"minTlsVersion\":\"1.2\"}}");
    assertEquals(Map.of("minTlsVersion", "1.3"), strict.evaluate(document -> resource).fix());
  }

  @Test
  void basicAuthPoliciesWantAllowFalse() throws Exception {
    assertTrue(evaluate("ftp-basic-auth-off", Documents.FTP_BASIC_AUTH, "{\"allow\":false}").compliant());
    assertEquals(Map.of("allow", false), evaluate("ftp-basic-auth-off", Documents.FTP_BASIC_AUTH, "{\"allow\":true}").fix());
    assertEquals(Map.of("allow", false), evaluate("scm-basic-auth-off", Documents.SCM_BASIC_AUTH, "{\"allow\":true}").fix());
    assertEquals(Risk.GUARDED, catalog.find("scm-basic-auth-off").orElseThrow().risk());
  }

  @Test
  void corsFixRemovesOnlyTheWildcardAndKeepsSupportCredentials() throws Exception {
    assertTrue(config("cors-no-wildcard", "{\"cors\":{\"allowedOrigins\":[\"https://a.example\"]}}").compliant());
    Evaluation drift = config("cors-no-wildcard",
        "{\"cors\":{\"allowedOrigins\":[\"https://a.example\",\"*\"],\"supportCredentials\":false}}");
    assertFalse(drift.compliant());
    assertEquals(JSON.readTree("{\"cors\":{\"allowedOrigins\":[\"https://a.example\"],\"supportCredentials\":false}}"),
        JSON.valueToTree(drift.fix()));
  }

  @Test
  void clientCertNeedsBothValues() throws Exception {
    assertTrue(evaluate("client-cert-required", Documents.SITE,
        "{\"clientCertEnabled\":true,\"clientCertMode\":\"Required\"}").compliant());
    Evaluation optional = evaluate("client-cert-required", Documents.SITE,
        "{\"clientCertEnabled\":true,\"clientCertMode\":\"Optional\"}");
    assertEquals(Map.of("clientCertEnabled", true, "clientCertMode", "Required"), optional.fix());
  }

  @Test
  void reportOnlyNetworkAndIdentityControls() throws Exception {
    assertFalse(config("access-restricted", "{\"ipSecurityRestrictionsDefaultAction\":\"Deny\"}").compliant(),
        "the scm site still allows everyone");
    assertTrue(config("access-restricted",
        "{\"ipSecurityRestrictionsDefaultAction\":\"Deny\",\"scmIpSecurityRestrictionsUseMain\":true}").compliant());
    assertTrue(config("access-restricted", "{\"ipSecurityRestrictionsDefaultAction\":\"Deny\","
        + "\"scmIpSecurityRestrictionsDefaultAction\":\"Deny\"}").compliant());
    assertTrue(evaluate("vnet-integrated", Documents.SITE, "{\"virtualNetworkSubnetId\":\"/subscriptions/s/x\"}").compliant());
    assertFalse(evaluate("vnet-integrated", Documents.SITE, "{\"virtualNetworkSubnetId\":null}").compliant());
    assertTrue(evaluate("public-network-off", Documents.SITE, "{\"publicNetworkAccess\":\"Disabled\"}").compliant());
    JsonNode identity = JSON.readTree("{\"identity\":{\"type\":\"SystemAssigned, UserAssigned\"}}");
    assertTrue(catalog.find("managed-identity").orElseThrow().evaluate(document -> identity).compliant());
    assertFalse(catalog.find("managed-identity").orElseThrow()
        .evaluate(document -> JSON.createObjectNode().set("identity", JSON.createObjectNode().put("type", "None"))).compliant());
    assertTrue(evaluate("auth-enabled", Documents.AUTH_SETTINGS, "{\"platform\":{\"enabled\":true}}").compliant());
    assertFalse(evaluate("auth-enabled", Documents.AUTH_SETTINGS, "{\"platform\":{\"enabled\":false}}").compliant());
  }

  /** Judges {@code custom-domain-tls} on a binding list, for an app whose own host name is func-a.azurewebsites.net. */
  private Evaluation customDomains(String bindings) throws Exception {
    JsonNode site = JSON.readTree("{\"properties\":{\"defaultHostName\":\"func-a.azurewebsites.net\"}}");
    JsonNode list = JSON.readTree(bindings);
    Document collection = Documents.named("hostNameBindings");
    return catalog.find("custom-domain-tls").orElseThrow().evaluate(document -> document.equals(Documents.SITE) ? site
        : document.equals(collection) ? list : MissingNode.getInstance());
  }

  @Test
  void everyCustomHostNameNeedsATlsBindingButTheAppsOwn() throws Exception {
    String own = "{\"name\":\"func-a/func-a.azurewebsites.net\",\"properties\":{\"sslState\":\"Disabled\"}}";
    String sni = "{\"name\":\"func-a/www.contoso.com\",\"properties\":{\"sslState\":\"sniEnabled\"}}";
    String plain = "{\"name\":\"func-a/api.contoso.com\",\"properties\":{\"sslState\":\"Disabled\"}}";
    assertTrue(customDomains("{\"value\":[],\"nextLink\":null}").compliant());
    assertTrue(customDomains("{\"value\":[" + own + "," + sni + "],\"nextLink\":null}").compliant(),
        "App Service's certificate covers the app's own name; ARM may spell the state in lower case");
    Evaluation drift = customDomains("{\"value\":[" + own + "," + sni + "," + plain + "],\"nextLink\":null}");
    assertFalse(drift.compliant());
    assertEquals("without TLS: [\"api.contoso.com\"]", drift.observed());
    assertEquals(Map.of(), drift.fix(), "report-only: a fix needs a certificate");
    assertFalse(customDomains("{\"value\":[" + sni + "],\"nextLink\":\"https://management.azure.com/next\"}")
        .compliant(), "one page of a longer list is not all of it");
    assertFalse(customDomains("{}").compliant(), "no list at all");
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "{\"linuxFxVersion\":\"PYTHON|3.8\"};false;python 3.8",
      "{\"linuxFxVersion\":\"Python|3.12\"};true;python 3.12",
      "{\"linuxFxVersion\":\"Node|20\"};false;node 20",
      "{\"linuxFxVersion\":\"DOTNET-ISOLATED|8.0\"};false;dotnet-isolated 8.0",
      "{\"linuxFxVersion\":\"Java|21\"};true;java 21",
      "{\"javaVersion\":\"1.8\"};true;java 8",
      "{\"powerShellVersion\":\"~7.2\"};false;powershell 7.2",
      // Older than every row of its language's table: out of support (fails closed), never "not judged".
      "{\"linuxFxVersion\":\"Python|3.6\"};false;python 3.6",
      "{\"linuxFxVersion\":\"Python|2.7\"};false;python 2.7",
      "{\"linuxFxVersion\":\"Node|12\"};false;node 12",
      "{\"linuxFxVersion\":\"DOTNETCORE|3.1\"};false;dotnet 3.1",
      "{\"javaVersion\":\"1.7\"};false;java 7",
      "{\"powerShellVersion\":\"~6\"};false;powershell 6.0"})
  void runtimeSupportedJudgesWhatArmShows(String config, boolean compliant, String runtime) throws Exception {
    Evaluation evaluation = config("runtime-supported", config);
    assertTrue(evaluation.judged());
    assertEquals(compliant, evaluation.compliant(), evaluation.observed());
    assertTrue(evaluation.observed().startsWith(runtime), evaluation.observed());
    assertEquals(Map.of(), evaluation.fix());
  }

  @Test
  void runtimeSupportedReadsFlexOnTheSiteAndNeverGuesses() throws Exception {
    Evaluation flex = evaluate("runtime-supported", Documents.SITE,
        "{\"functionAppConfig\":{\"runtime\":{\"name\":\"node\",\"version\":\"22\"}}}");
    assertTrue(flex.compliant() && flex.judged(), flex.observed());
    for (String unknown : List.of("{\"netFrameworkVersion\":\"v4.0\"}", "{\"linuxFxVersion\":\"\"}",
        "{\"linuxFxVersion\":\"DOCKER|nginx\"}",
        // Newer than every row: a release the table does not know yet, not judged until it is added.
        "{\"linuxFxVersion\":\"Python|3.99\"}", "{\"linuxFxVersion\":\"Node|99\"}")) {
      Evaluation evaluation = config("runtime-supported", unknown);
      assertFalse(evaluation.judged(), unknown);
      assertTrue(evaluation.compliant(), "no finding without knowing: " + unknown);
    }
  }

  @Test
  void manualFixNamesTheSlotAndQuotesValues() {
    SiteRef slot = SiteRef.site("00000000-0000-0000-0000-000000000001", "rg", "app").withSlot("staging");
    assertEquals("az functionapp config set --subscription '00000000-0000-0000-0000-000000000001' -g 'rg' -n 'app'"
        + " --slot 'staging' --min-tls-version '1.2'", catalog.find("min-tls").orElseThrow().manualFix(slot));
    assertEquals("az resource update --ids '" + slot.id() + "/basicPublishingCredentialsPolicies/ftp'"
        + " --set 'properties.allow=false'", catalog.find("ftp-basic-auth-off").orElseThrow().manualFix(slot));
  }

  @Test
  void compliantValuesAreWhatTheFixesWrite() {
    Map<Document, Map<String, Object>> values = catalog.compliantValues();
    assertEquals(true, values.get(Documents.SITE).get("httpsOnly"));
    assertEquals(Map.of("allow", false), values.get(Documents.FTP_BASIC_AUTH));
    assertEquals("Disabled", values.get(Documents.WEB_CONFIG).get("ftpsState"));
  }

  /** Names holding every character ARM allows in a resource group (and worse): a pasted command runs nothing. */
  @Test
  void manualFixesPassEveryNameVerbatimThroughAShell() throws Exception {
    Path marker = Files.createTempDirectory("manual-fix").resolve("injected");
    List<String> hostile = List.of(".(e.id.)", "rg-\u00fc\u00f1\u03a9_\u65e5\u672c.(x)", "$(touch " + marker + ")",
        "`touch " + marker + "`", "a;touch " + marker, "it's", "'$(touch " + marker + ")'", "*", "~", "a b\tc", "$HOME",
        "!!", "\\", "\"", "x\ny", "-n");
    for (FtpsTarget ftps : FtpsTarget.values()) {
      for (Control control : ControlCatalog.standard(new TlsVersion(1, 2), ftps, NOV_2026).all()) {
        // Where the names go, in any argument (an option's value, or inside a resource id): marked, then replaced.
        List<String> marked = shellArguments(control.manualFix(new SiteRef("NAME", "NAME", "NAME", Optional.of("NAME"))));
        for (String name : hostile) {
          SiteRef site = new SiteRef(name, name, name, Optional.of(name));
          List<String> expected = marked.stream().map(argument -> argument.replace("NAME", name)).toList();
          assertEquals(expected, shellArguments(control.manualFix(site)), control.manualFix(site));
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
      assertTrue(List.of("functionapp", "webapp", "resource").contains(received.get(0)), output);
      assertTrue(arguments == null || arguments.equals(received), shell + " and sh disagree: " + received);
      arguments = received;
    }
    return arguments;
  }
}
