package io.driftguard.documents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The catalog infra/documents.json as the engine loads it, and the entries it refuses, each with its reason. */
class DocumentsTest {

  private static final String SITE = "{\"name\":\"site\",\"path\":null,\"write\":\"PATCH\",\"rbacType\":\"\","
      + "\"eventTypes\":[\"\"],\"extensions\":[],\"listedWith\":null,"
      + "\"why\":{\"read\":\"GET a site\",\"write\":\"PATCH a site\",\"list\":null}}";

  private static String catalog(String... entries) {
    return "{\"documents\":[" + String.join(",", entries) + "]}";
  }

  private static String refusal(String catalog) {
    return assertThrows(IllegalStateException.class, () -> Documents.parse(catalog)).getMessage();
  }

  @Test
  void theCatalogGivesEachDocumentItsPathVerbActionsAndEvents() {
    assertEquals(Documents.SITE, Documents.ALL.get(0));
    assertEquals(Optional.empty(), Documents.SITE.child());
    assertEquals(List.of("Microsoft.Web/sites/read", "Microsoft.Web/sites/slots/read"), Documents.SITE.readActions());
    assertEquals(List.of("Microsoft.Web/sites/write", "Microsoft.Web/sites/slots/write"), Documents.SITE.eventOperations());
    assertEquals(List.of(new Document.Extension("providers/Microsoft.Resources/tags/default",
        "Microsoft.Resources/tags/write")), Documents.SITE.extensions());
    assertEquals(Optional.of(WriteVerb.PUT), Documents.FTP_BASIC_AUTH.write());
    assertEquals(List.of("Microsoft.Web/sites/basicPublishingCredentialsPolicies/read",
        "Microsoft.Web/sites/slots/basicPublishingCredentialsPolicies/read"), Documents.SCM_BASIC_AUTH.listActions());
    assertEquals(List.of(), Documents.AUTH_SETTINGS.writeActions());
    assertEquals(Optional.empty(), Documents.AUTH_SETTINGS.why().write());
  }

  @Test
  void aCollectionIsChangedByAWriteToAnyOfItsMembers() {
    String bindings = SITE.replace("\"name\":\"site\",\"path\":null", "\"name\":\"hostNameBindings\",\"path\":\"hostNameBindings\"")
        .replace("\"write\":\"PATCH\"", "\"write\":null").replace("\"write\":\"PATCH a site\"", "\"write\":null");
    Document collection = Documents.parse(catalog(SITE, bindings)).get(1);
    assertTrue(collection.isCollection());
    assertTrue(collection.writtenBy(Optional.of("hostNameBindings/www.contoso.com")));
    assertTrue(collection.writtenBy(Optional.of("HostNameBindings/WWW.contoso.com")), "ARM matches paths in any case");
    assertFalse(collection.writtenBy(Optional.of("hostNameBindingsX/www.contoso.com")));
    assertFalse(collection.writtenBy(Optional.empty()));
    assertFalse(Documents.WEB_CONFIG.isCollection());
    assertTrue(Documents.WEB_CONFIG.writtenBy(Optional.of("config/WEB")));
    assertFalse(Documents.WEB_CONFIG.writtenBy(Optional.of("config/appsettings")), "one document, not its siblings");
    assertTrue(Documents.SITE.writtenBy(Optional.empty()));
    assertFalse(Documents.SITE.writtenBy(Optional.of("config/web")));
  }

  @Test
  void aMalformedEntryIsRefusedByNumberNameAndReason() {
    assertEquals("infra/documents.json, document 1 ('site'): 'write' must be text of the form PATCH|PUT, not \"POST\"",
        refusal(catalog(SITE.replace("\"PATCH\"", "\"POST\""))));
    assertTrue(refusal(catalog(SITE.replace("\"listedWith\":null,", ""))).contains("its fields must be exactly"));
    assertTrue(refusal(catalog(SITE.replace("\"eventTypes\":[\"\"]", "\"eventTypes\":[]")))
        .contains("Event Grid would never report"));
    assertTrue(refusal(catalog(SITE.replace("\"write\":\"PATCH a site\"", "\"write\":null")))
        .contains("written exactly when it is written"));
    assertTrue(refusal(catalog(SITE.replace("\"rbacType\":\"\"", "\"rbacType\":\"config\"")))
        .startsWith("infra/documents.json, document 1 ('site'): 'rbacType'"));
    String config = SITE.replace("\"name\":\"site\",\"path\":null", "\"name\":\"config/web\",\"path\":\"config/web\"");
    assertTrue(refusal(catalog(config)).contains("the first document must be the site itself"));
    assertTrue(refusal(catalog(SITE, SITE)).contains("document 2 ('site'): a second document named 'site'"));
    assertTrue(refusal(catalog(SITE, config.replace("\"config/web\",\"write\"", "\"../keys\",\"write\"")))
        .startsWith("infra/documents.json, document 2 ('config/web'): 'path'"));
    assertTrue(refusal("{\"documents\":{}}").contains("'documents' must be a non-empty array"));
    assertTrue(refusal("[").startsWith("infra/documents.json is not JSON"));
  }
}
