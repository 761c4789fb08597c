package io.driftguard.it;

import static io.driftguard.it.LocalAzure.aliceWrites;
import static io.driftguard.it.LocalAzure.arm;
import static io.driftguard.it.LocalAzure.deliver;
import static io.driftguard.it.LocalAzure.engine;
import static io.driftguard.it.LocalAzure.functionApp;
import static io.driftguard.it.LocalAzure.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftguard.controls.Risk;
import io.driftguard.documents.Document;
import io.driftguard.documents.Documents;
import io.driftguard.engine.Outcome;
import io.driftguard.policy.ModePolicy;
import io.driftguard.engine.Remediator;
import io.driftguard.infra.BicepTree;
import io.driftguard.sandbox.Fault;
import io.driftguard.sandbox.FakeArm;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.SiteHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The role infra/main.bicep builds from the document catalog (as Bicep computes it), checked against what driftguard
 * actually sends on the wire: every request maps to an RBAC action the role grants, and the events below use every
 * action it grants.
 */
class LeastPrivilegeIT {

  private static final Pattern SITE_PATH = Pattern.compile(
      "(?i)/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Web/sites/[^/]+(/slots/[^/]+)?(/.*)?");

  private static final Pattern SITE_LIST = Pattern.compile("(?i)/subscriptions/[^/]+/providers/Microsoft\\.Web/sites");

  /** The RBAC action an ARM request needs, as Azure authorizes it. */
  static String rbacAction(RecordedRequest request) {
    if (FakeArm.isResourceGraphQuery(request)) {
      // Resource Graph answers with the rows the caller may read: the sites' own read action, nothing of its own.
      return "Microsoft.Web/sites/read";
    }
    if (request.method().equals("GET") && SITE_LIST.matcher(request.path()).matches()) {
      return "Microsoft.Web/sites/read";
    }
    Matcher matcher = SITE_PATH.matcher(request.path());
    if (!matcher.matches()) {
      return "unknown: " + request.method() + " " + request.path();
    }
    String type = "Microsoft.Web/sites" + (matcher.group(1) != null ? "/slots" : "");
    String child = matcher.group(2) == null ? "" : matcher.group(2).replaceAll("(?i)^/config/[^/]+", "/config");
    String verb = switch (request.method()) {
      case "GET" -> "read";
      case "PUT", "PATCH" -> "write";
      case "DELETE" -> "delete";
      default -> "action";
    };
    return type + child + "/" + verb;
  }

  static Set<String> granted() {
    Set<String> actions = new TreeSet<>();
    BicepTree.evaluate(Path.of("..", "infra", "main.bicep"), "roleActions").forEach(action -> actions.add(action.asText()));
    return actions;
  }

  @Test
  void everyRequestDriftguardSendsIsGrantedAndEveryGrantIsUsed() throws Exception {
    Map<String, Object> drifted = Map.of("ftpsState", "AllAllowed", "minTlsVersion", "1.0", "remoteDebuggingEnabled", true);
    String name = uniqueName("func-rbac");
    SiteHandle site = functionApp(name, Map.of(), false, drifted);
    SiteHandle slot = LocalAzure.slot(name, "staging", false, drifted);
    for (SiteHandle target : java.util.List.of(site, slot)) {
      for (Document policy : java.util.List.of(Documents.FTP_BASIC_AUTH, Documents.SCM_BASIC_AUTH)) {
        arm().seedDocument("PUT", LocalAzure.path(target, policy), "{\"properties\":{\"allow\":true}}");
      }
    }
    // Every control with a fix, in autofix: guarded ones by their own setting, opt-in ones turned on.
    Map<String, String> settings = new java.util.HashMap<>(Map.of("DRIFTGUARD_MODE", "autofix"));
    LocalAzure.CATALOG.all().stream().filter(control -> control.risk() != Risk.REPORT_ONLY)
        .forEach(control -> settings.put(ModePolicy.settingName(control.id()), "autofix"));
    LocalAzure.CATALOG.all().stream().filter(control -> control.risk() == Risk.REPORT_ONLY)
        .forEach(control -> settings.put(ModePolicy.settingName(control.id()), "notify"));
    Remediator engine = engine(settings);
    // A role from before the engine listed the policies refuses the list: each policy is then read by itself, as it
    // is where only one applies (Flex Consumption has no FTP).
    arm().inject(Fault.on("GET", name + "(/slots/staging)?/basicPublishingCredentialsPolicies$").status(403)
        .times(Fault.ALWAYS));
    assertEquals(Outcome.FIXED, deliver(engine, aliceWrites(site.id(), "{\"properties\":{}}")).outcome());
    assertEquals(Outcome.FIXED, deliver(engine, aliceWrites(slot.id(), "{\"properties\":{}}")).outcome());
    arm().clearFaults();

    assertEquals(List.of(), LocalAzure.botRequests().stream().filter(FakeArm::isWriteBeyondControlledDocuments).toList(),
        "every write is a catalog document with its own verb, never app settings or another config document");
    Set<String> used = LocalAzure.botRequests().stream().map(LeastPrivilegeIT::rbacAction)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> granted = granted();
    assertTrue(granted.containsAll(used), "requests the role does not grant: " + difference(used, granted));
    Set<String> unused = difference(granted, used);
    assertEquals(Set.of(), unused, "granted but never needed");
  }

  @Test
  void theMappingNamesSecretEndpointsByTheirDeniedAction() throws Exception {
    RecordedRequest list = new RecordedRequest(null, "POST",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app/config/appsettings/list", "", "", 200, null);
    assertEquals("Microsoft.Web/sites/config/list/action", rbacAction(list));
    JsonNode denied = new ObjectMapper().readTree(Path.of("..", "infra", "permissions.json").toFile()).get("denied");
    assertTrue(denied.toString().contains("\"" + rbacAction(list) + "\""));
    RecordedRequest slotConfig = new RecordedRequest(null, "PATCH",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app/slots/s1/config/web", "", "", 200, null);
    assertEquals("Microsoft.Web/sites/slots/config/write", rbacAction(slotConfig));
  }

  private static Set<String> difference(Set<String> left, Set<String> right) {
    Set<String> result = new TreeSet<>(left);
    result.removeAll(right);
    return result;
  }
}
