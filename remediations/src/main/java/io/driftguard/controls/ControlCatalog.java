package io.driftguard.controls;

import static io.driftguard.controls.CliCommands.quoted;
import static io.driftguard.controls.PropertyControl.judgedBy;
import static io.driftguard.controls.PropertyControl.property;

import io.driftguard.documents.Document;
import io.driftguard.documents.Documents;
import io.driftguard.resource.HostingModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every control driftguard knows, each one entry. Adding a control means adding its entry here (a
 * {@link PropertyControl}, or a class of its own) and one test; the engine, the role, the event filter, intake and the
 * contract tests follow from it. Peer references name the Azure Policy built-in (P) and the Defender for Cloud
 * recommendation (D) that check the same, where one exists.
 */
public final class ControlCatalog {

  /**
   * A setting of the site itself. Functions on Container Apps takes these from its Container Apps environment (ARM
   * shows them null on the site and refuses several with ExtendedCode 51021; Azure Policy's function-app built-ins
   * leave the kind out), and an Arc app from its cluster. Sources: function-app-kinds.md (docs/controls.md, "Where each control
   * applies").
   */
  private static final Applicability SITE_SETTING = Applicability.EVERYWHERE
      .except("on Functions on Container Apps the Container Apps environment holds this setting (ingress, networking, "
          + "certificates, authentication), not the site", HostingModel.CONTAINER_APPS)
      .except("on Azure Arc the Kubernetes cluster's App Service extension holds this setting, not the site",
          HostingModel.ARC);
  /** FTP: Flex Consumption has none (ARM refuses ftpsState), nor has Linux Consumption (FTPS is Windows-only there). */
  private static final Applicability FTP = SITE_SETTING
      .except("Flex Consumption has no FTP", HostingModel.FLEX_CONSUMPTION)
      .except("Linux Consumption has no FTP", HostingModel.LINUX_CONSUMPTION);
  /** The SCM (Kudu) site: Linux Consumption has none. */
  private static final Applicability SCM_SITE = SITE_SETTING
      .except("Linux Consumption has no SCM (Kudu) site", HostingModel.LINUX_CONSUMPTION);

  /** {@code GET {site}/hostNameBindings}: every host name of the app and its TLS binding. */
  private static final Document HOST_NAME_BINDINGS = Documents.named("hostNameBindings");

  private final List<Control> controls;

  private ControlCatalog(List<Control> controls) {
    this.controls = List.copyOf(controls);
  }

  /** {@code clock}: the day end-of-support dates are compared with. */
  public static ControlCatalog standard(TlsVersion minimumTls, FtpsTarget ftpsTarget, Clock clock) {
    return new ControlCatalog(List.of(
        property("https-only", Documents.SITE, "/properties/httpsOnly").wants(true).indexedByResourceGraph()
            .title("HTTPS only").risk(Risk.SAFE).appliesOn(SITE_SETTING)
            .peers("P: Function apps should only be accessible over HTTPS",
                "D: Function App should only be accessible over HTTPS")
            .fix("az functionapp update {target} --set " + quoted("httpsOnly=true")).build(),
        property("ftp-disabled", Documents.WEB_CONFIG, "/properties/ftpsState")
            .compliantWhen(value -> value.isTextual() && ftpsTarget.accepts(value.asText()), ftpsTarget.description(),
                ftpsTarget.armValue())
            .indexedByResourceGraph(ftpsTarget.compliantValues())
            .title("FTP disabled").risk(Risk.SAFE).appliesOn(FTP)
            .peers("P: Function apps should require FTPS only", "D: FTPS should be required in function apps")
            .fix("az functionapp config set {target} --ftps-state " + quoted(ftpsTarget.armValue())).build(),
        property("remote-debugging-off", Documents.WEB_CONFIG, "/properties/remoteDebuggingEnabled").wants(false)
            .indexedByResourceGraph()
            .title("Remote debugging off").risk(Risk.SAFE).appliesOn(SITE_SETTING)
            .peers("P: Function apps should have remote debugging turned off",
                "D: Remote debugging should be turned off for Function App")
            .fix("az functionapp config set {target} --remote-debugging-enabled " + quoted("false")).build(),
        tlsAtLeast(property("min-tls", Documents.WEB_CONFIG, "/properties/minTlsVersion"), minimumTls)
            .title("Minimum TLS version " + minimumTls + " or higher").risk(Risk.SAFE).appliesOn(SITE_SETTING)
            .peers("P: Function apps should use the latest TLS version",
                "D: TLS should be updated to the latest version for function apps")
            .fix("az functionapp config set {target} --min-tls-version " + quoted(minimumTls.toString())).build(),
        tlsAtLeast(property("scm-min-tls", Documents.WEB_CONFIG, "/properties/scmMinTlsVersion"), minimumTls)
            .title("Minimum TLS version " + minimumTls + " or higher on the SCM (Kudu) site").risk(Risk.SAFE)
            .appliesOn(SCM_SITE)
            .peers("P: none (no peer checks scmMinTlsVersion)")
            .fix("az functionapp config set {target} --generic-configurations "
                + quoted("{\"scmMinTlsVersion\": \"" + minimumTls + "\"}")).build(),
        basicAuthOff("ftp-basic-auth-off", Documents.FTP_BASIC_AUTH, "FTP", Risk.SAFE, FTP,
            "P: App Service apps should have local authentication methods disabled for FTP deployments"),
        basicAuthOff("scm-basic-auth-off", Documents.SCM_BASIC_AUTH, "SCM (Kudu, zip deploy, WebDeploy)", Risk.GUARDED,
            SCM_SITE,
            "P: App Service apps should have local authentication methods disabled for SCM site deployments"),
        judgedBy("cors-no-wildcard", Documents.WEB_CONFIG, Judges.CORS_NO_WILDCARD)
            .indexedByResourceGraph(Judges::corsGraphPredicate)
            .title("CORS does not allow every origin").risk(Risk.GUARDED).appliesOn(SITE_SETTING)
            .peers("P: Function apps should not have CORS configured to allow every resource to access your apps",
                "D: CORS should not allow every resource to access Function Apps")
            .fix("az functionapp cors remove {target} --allowed-origins " + quoted("*")).build(),
        runtimeSupported(new RuntimeSupport(clock))
            .title("Language version inside its end of support").risk(Risk.REPORT_ONLY)
            .appliesOn(SITE_SETTING.except("a workflow app has no Functions language version (it runs the Logic Apps "
                + "workflow runtime)", HostingModel.LOGIC_APPS_STANDARD))
            .peers("P: Function apps that use Python should use a specified 'Python version'",
                "P: Function apps that use Java should use a specified 'Java version'")
            .fix("az functionapp list-runtimes --os " + quoted("linux")
                + "  # then move the app to a supported version").build(),
        property("http2-enabled", Documents.WEB_CONFIG, "/properties/http20Enabled").wants(true).indexedByResourceGraph()
            .title("HTTP/2 enabled").risk(Risk.SAFE).optIn().appliesOn(SITE_SETTING)
            .peers("P: Function apps should use latest 'HTTP Version'")
            .fix("az functionapp config set {target} --http20-enabled " + quoted("true")).build(),
        judgedBy("client-cert-required", Documents.SITE, Judges.CLIENT_CERT_REQUIRED)
            .title("Incoming client certificates required").risk(Risk.GUARDED).optIn().appliesOn(SITE_SETTING)
            .peers("P: Function apps should have Client Certificates (Incoming client certificates) enabled",
                "D: Function apps should have Client Certificates (Incoming client certificates) enabled")
            .fix("az functionapp update {target} --set " + quoted("clientCertEnabled=true") + " "
                + quoted("clientCertMode=Required"))
            .build(),
        property("public-network-off", Documents.SITE, "/properties/publicNetworkAccess").wants("Disabled")
            .title("Public network access disabled").risk(Risk.GUARDED).optIn()
            .appliesOn(SITE_SETTING.except("an App Service Environment app is reached through the environment's own "
                + "network, which decides public access", HostingModel.APP_SERVICE_ENVIRONMENT))
            .peers("P: Function apps should disable public network access",
                "D: Restricted network access should be configured on Internet exposed Function app")
            .fix("az functionapp update {target} --set " + quoted("publicNetworkAccess=Disabled")).build(),
        property("end-to-end-encryption", Documents.SITE, "/properties/endToEndEncryptionEnabled").wants(true)
            .title("Front end to worker traffic encrypted").risk(Risk.GUARDED).optIn()
            .appliesOn(SITE_SETTING.except("Flex Consumption does not support end-to-end encryption",
                HostingModel.FLEX_CONSUMPTION))
            .peers("P: 387140f1 (Function apps: end-to-end encryption enabled)")
            .fix("az functionapp update {target} --set " + quoted("endToEndEncryptionEnabled=true")).build(),
        judgedBy("access-restricted", Documents.WEB_CONFIG, Judges.ACCESS_RESTRICTED)
            .title("Access restricted to listed callers (site and SCM site)").risk(Risk.REPORT_ONLY).optIn()
            .appliesOn(SITE_SETTING)
            .peers("D: Restricted network access should be configured on Internet exposed Function app")
            .fix("az functionapp config access-restriction set {target} --default-action " + quoted("Deny")
                + " --use-same-restrictions-for-scm-site " + quoted("true") + "  # after adding the allow rules callers need").build(),
        property("vnet-integrated", Documents.SITE, "/properties/virtualNetworkSubnetId")
            .compliantWhen(value -> value.isTextual() && !value.asText().isBlank(), "a subnet", null)
            .title("Integrated with a virtual network").risk(Risk.REPORT_ONLY).optIn()
            .appliesOn(SITE_SETTING
                .except("the Consumption plan has no virtual network integration", HostingModel.WINDOWS_CONSUMPTION,
                    HostingModel.LINUX_CONSUMPTION)
                .except("an App Service Environment app already runs in the environment's virtual network",
                    HostingModel.APP_SERVICE_ENVIRONMENT))
            .peers("P: App Service apps should be injected into a virtual network (72d04c29)")
            .fix("az functionapp vnet-integration add {target} --vnet " + quoted("VNET") + " --subnet "
                + quoted("SUBNET")).build(),
        property("managed-identity", Documents.SITE, "/identity/type")
            .compliantWhen(Judges::hasIdentity, "SystemAssigned or UserAssigned", null)
            .title("Uses a managed identity").risk(Risk.REPORT_ONLY).optIn()
            .peers("P: Function apps should use managed identity", "D: Managed identity should be used in function apps")
            .fix("az functionapp identity assign {target}").build(),
        property("auth-enabled", Documents.AUTH_SETTINGS, "/properties/platform/enabled")
            .compliantWhen(value -> value.isBoolean() && value.booleanValue(), "true", null)
            .title("App Service authentication enabled").risk(Risk.REPORT_ONLY).optIn().appliesOn(SITE_SETTING)
            .peers("P: Function apps should have authentication enabled",
                "D: Authentication should be enabled on Azure Functions")
            .fix("az webapp auth update {target} --enabled " + quoted("true")
                + "  # after configuring an identity provider").build(),
        judgedBy("custom-domain-tls", HOST_NAME_BINDINGS, customHostNamesOverTls()).alsoReads(Documents.SITE)
            .title("Custom host names bound to a TLS certificate").risk(Risk.REPORT_ONLY).optIn()
            .appliesOn(SITE_SETTING)
            .peers("Microsoft: Secure a custom DNS name with a TLS/SSL binding in Azure App Service")
            .fix("az functionapp config ssl bind {target} --certificate-thumbprint " + quoted("THUMBPRINT")
                + " --ssl-type " + quoted("SNI") + "  # after adding a certificate for the host name").build()));
  }

  /**
   * Every host name bound to the app but its own default one ({@code defaultHostName}, which App Service's
   * certificate covers) has an SNI or IP-based TLS binding; one without is served with a certificate that does not
   * name it. A list ARM continues on another page is not judged compliant from its first.
   */
  private static PropertyControl.Judge customHostNamesOverTls() {
    return resources -> {
      String own = resources.apply(Documents.SITE).path("properties").path("defaultHostName").asText("");
      JsonNode bindings = resources.apply(HOST_NAME_BINDINGS);
      ArrayNode withoutTls = JsonNodeFactory.instance.arrayNode();
      bindings.path("value").forEach(binding -> {
        String name = binding.path("name").asText("");
        String hostName = name.substring(name.lastIndexOf('/') + 1);
        String tls = binding.path("properties").path("sslState").asText("");
        if (!hostName.equalsIgnoreCase(own) && !tls.equalsIgnoreCase("SniEnabled") && !tls.equalsIgnoreCase("IpBasedEnabled")) {
          withoutTls.add(hostName);
        }
      });
      String desired = "an SNI or IP-based TLS binding for every custom host name";
      if (!bindings.path("value").isArray() || !bindings.path("nextLink").asText("").isEmpty()) {
        return Evaluation.drift("a host name list driftguard cannot see whole", desired);
      }
      return withoutTls.isEmpty() ? Evaluation.compliant("every custom host name has one", desired)
          : Evaluation.drift("without TLS: " + Evaluation.describe(withoutTls), desired);
    };
  }

  private static PropertyControl.Builder runtimeSupported(RuntimeSupport support) {
    return judgedBy("runtime-supported", Documents.WEB_CONFIG, support).alsoReads(Documents.SITE)
        .indexedByResourceGraph(support::graphPredicate);
  }

  private static PropertyControl.Builder tlsAtLeast(PropertyControl.Builder builder, TlsVersion minimum) {
    return builder.compliantWhen(value -> value.isTextual()
            && TlsVersion.parse(value.asText()).filter(version -> version.compareTo(minimum) >= 0).isPresent(),
        minimum + " or higher", minimum.toString())
        .indexedByResourceGraph(TlsVersion.KNOWN.stream().filter(version -> version.compareTo(minimum) >= 0)
            .map(TlsVersion::toString).toList());
  }

  /** ARM offers only PUT for these policies; the fix body {@code {"properties":{"allow":false}}} is all of it. */
  private static Control basicAuthOff(String id, Document policy, String what, Risk risk, Applicability where,
                                      String policyPeer) {
    return property(id, policy, "/properties/allow").wants(false)
        .title("Basic-auth publishing credentials off for " + what).risk(risk).appliesOn(where).peers(policyPeer)
        .fix("az resource update --ids {document-id} --set " + quoted("properties.allow=false")).build();
  }

  /** The same controls, none of them applying on {@code model}, for {@code reason}. */
  public ControlCatalog leavingOut(HostingModel model, String reason) {
    return new ControlCatalog(controls.stream()
        .map(control -> (Control) new Narrowed(control, control.applicability().except(reason, model))).toList());
  }

  /** The catalog with the default settings: what settings, tags and documentation may name. */
  public static ControlCatalog defaults() {
    // What the catalog lists (ids, documents, risks) does not depend on the day; judging uses standard's clock.
    return standard(new TlsVersion(1, 2), FtpsTarget.DISABLED, Clock.systemUTC());
  }

  /** The ids of all known controls. */
  public static List<String> ids() {
    return defaults().all().stream().map(Control::id).toList();
  }

  public List<Control> all() {
    return controls;
  }

  public Optional<Control> find(String id) {
    return controls.stream().filter(control -> control.id().equals(id)).findFirst();
  }

  /**
   * What the fixes of these controls write, per document: the values that make a new app compliant with every
   * control that has a fix. The sandbox's compliant apps are seeded from it.
   */
  public Map<Document, Map<String, Object>> compliantValues() {
    Map<Document, Map<String, Object>> values = new LinkedHashMap<>();
    for (Control control : controls) {
      Evaluation unset = control.evaluate(document -> MissingNode.getInstance());
      if (!unset.fix().isEmpty()) {
        values.computeIfAbsent(control.document(), document -> new LinkedHashMap<>()).putAll(unset.fix());
      }
    }
    return values;
  }

  /** Every document some control reads. */
  public Set<Document> documents() {
    Set<Document> documents = new LinkedHashSet<>();
    controls.forEach(control -> documents.addAll(control.reads()));
    return documents;
  }
}
