package io.driftguard.resource;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Strict parser for ARM ids of Microsoft.Web sites, slots and their children. Anything that does not match the exact
 * grammar is refused with a reason: ids arrive in events that anyone able to reach the trigger could forge.
 *
 * <pre>/subscriptions/{guid}/resourceGroups/{rg}/providers/Microsoft.Web/sites/{site}[/slots/{slot}][/{child}/{name}]</pre>
 *
 * <p>The one extension resource accepted in place of a child is {@link #TAGS_EXTENSION}.
 */
public final class ResourceIds {

  static final int MAX_LENGTH = 1024;
  /** The one extension resource of a site or slot accepted: its tags, as the Tags API writes them. */
  public static final String TAGS_EXTENSION = "providers/Microsoft.Resources/tags/default";

  private static final Pattern GUID =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  /** The resource group segment of an id: the one place where ARM allows more than ASCII. */
  private static final int GROUP_SEGMENT = 3;
  // ARM's rule, ^[-\w\._\(\)]+$ up to 90 and not ending in '.', with .NET's Unicode \w: letters, non-spacing marks,
  // decimal digits and connector punctuation of any script.
  private static final Pattern RESOURCE_GROUP = Pattern.compile("[\\p{L}\\p{Mn}\\p{Nd}\\p{Pc}\\-.()]{1,90}(?<!\\.)");
  // App Service site and slot names: letters, digits and hyphens, not starting or ending with a hyphen.
  private static final Pattern SITE_NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,58}[A-Za-z0-9])?");
  private static final Pattern CHILD_NAME = Pattern.compile("[A-Za-z0-9_\\-.]{1,80}");


  private ResourceIds() {}

  /** Whether the text is a GUID, as subscription, tenant and object ids are. */
  public static boolean isGuid(String text) {
    return text != null && GUID.matcher(text).matches();
  }

  public static ResourceTarget parse(String id) throws InvalidResourceIdException {
    if (id == null || id.isEmpty()) {
      throw new InvalidResourceIdException("resource id is missing");
    }
    if (id.length() > MAX_LENGTH) {
      throw new InvalidResourceIdException("resource id is " + id.length() + " characters long (at most " + MAX_LENGTH + ")");
    }
    rejectUnsafeCharacters(id);
    if (!id.startsWith("/")) {
      throw new InvalidResourceIdException("resource id must start with '/'");
    }
    String[] segments = id.substring(1).split("/", -1);
    for (int index = 0; index < segments.length; index++) {
      String segment = segments[index];
      if (index != GROUP_SEGMENT) {
        rejectNonAscii(segment);
      }
      if (segment.isEmpty()) {
        throw new InvalidResourceIdException("resource id has an empty segment");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw new InvalidResourceIdException("resource id has a '" + segment + "' segment");
      }
    }
    if (segments.length < 8) {
      throw new InvalidResourceIdException("resource id is not a Microsoft.Web site: too few segments");
    }
    expectLiteral(segments, 0, "subscriptions");
    String subscription = segments[1];
    if (!isGuid(subscription)) {
      throw new InvalidResourceIdException("subscription id is not a GUID");
    }
    expectLiteral(segments, 2, "resourceGroups");
    String resourceGroup = segments[3];
    if (!RESOURCE_GROUP.matcher(resourceGroup).matches()) {
      throw new InvalidResourceIdException("resource group name is not valid");
    }
    expectLiteral(segments, 4, "providers");
    if (!segments[5].equalsIgnoreCase("Microsoft.Web")) {
      throw new InvalidResourceIdException("provider is not Microsoft.Web");
    }
    expectLiteral(segments, 6, "sites");
    SiteRef site = SiteRef.site(subscription, resourceGroup, validName(segments, 7, "site"));

    int next = 8;
    if (segments.length > next && segments[next].equalsIgnoreCase("slots")) {
      if (segments.length == next + 1) {
        throw new InvalidResourceIdException("slot name is missing");
      }
      site = site.withSlot(validName(segments, next + 1, "slot"));
      next += 2;
    }
    int remaining = segments.length - next;
    if (remaining == 0) {
      return new ResourceTarget(site, Optional.empty());
    }
    if (segments[next].equalsIgnoreCase("providers")) {
      if (String.join("/", Arrays.copyOfRange(segments, next, segments.length)).equalsIgnoreCase(TAGS_EXTENSION)) {
        return new ResourceTarget(site, Optional.of(TAGS_EXTENSION));
      }
      throw new InvalidResourceIdException("resource id names an extension resource other than the site's tags");
    }
    if (remaining != 2) {
      throw new InvalidResourceIdException("resource id names a nested child that driftguard does not handle");
    }
    String childType = segments[next];
    String childName = segments[next + 1];
    if (childType.equalsIgnoreCase("slots")) {
      throw new InvalidResourceIdException("resource id nests a slot inside a slot");
    }
    if (!CHILD_NAME.matcher(childType).matches() || !CHILD_NAME.matcher(childName).matches()) {
      throw new InvalidResourceIdException("child resource name is not valid");
    }
    return new ResourceTarget(site, Optional.of(childType + "/" + childName));
  }

  private static void rejectUnsafeCharacters(String id) throws InvalidResourceIdException {
    if (id.contains("..")) {
      // Traversal, or a name Azure allows but nobody needs: either way, nothing driftguard acts on.
      throw new InvalidResourceIdException("resource id contains '..'");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '%') {
        throw new InvalidResourceIdException("resource id contains percent-encoding");
      }
      if (c == '?' || c == '#') {
        throw new InvalidResourceIdException("resource id contains a query or fragment");
      }
      if (c == '\\') {
        throw new InvalidResourceIdException("resource id contains a backslash");
      }
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)
          || Character.getType(c) == Character.FORMAT) {
        throw new InvalidResourceIdException("resource id contains a space or control character at position " + i);
      }
    }
  }

  /**
   * Every segment but the resource group's is ASCII, as ARM's literals and App Service names are: look-alike letters
   * (Cyrillic 'а', the long 's' that equalsIgnoreCase takes for 's', full-width '／') cannot pose as structure.
   */
  private static void rejectNonAscii(String segment) throws InvalidResourceIdException {
    for (int i = 0; i < segment.length(); i++) {
      if (segment.charAt(i) > 0x7e) {
        throw new InvalidResourceIdException("resource id has a non-ASCII character outside the resource group name");
      }
    }
  }

  private static void expectLiteral(String[] segments, int index, String literal) throws InvalidResourceIdException {
    if (!segments[index].equalsIgnoreCase(literal)) {
      throw new InvalidResourceIdException("expected '" + literal + "' at segment " + (index + 1));
    }
  }

  private static String validName(String[] segments, int index, String what) throws InvalidResourceIdException {
    String name = segments[index];
    if (!SITE_NAME.matcher(name).matches()) {
      throw new InvalidResourceIdException(what + " name is not a valid App Service name");
    }
    return name;
  }
}
