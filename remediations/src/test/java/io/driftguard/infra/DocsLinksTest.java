package io.driftguard.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of the docs (README.md, docs/*.md, infra/README.md, BENCHMARKS.md) reaches a file, and every
 * {@code #anchor} a heading of the page it names, as GitHub slugs headings: moving a section to another page without
 * its links fails here.
 */
class DocsLinksTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");

  @Test
  void everyRelativeLinkReachesAFileAndEveryAnchorAHeading() throws IOException {
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages()) {
      for (String target : links(page)) {
        checked++;
        problem(page, target).ifPresent(why -> broken.add(ROOT.relativize(page) + ": " + target + ": " + why));
      }
    }
    assertTrue(checked > 50, "the docs hold links to check: " + checked);
    assertEquals(List.of(), broken);
  }

  @Test
  void anchorsAreGitHubSlugsOfTheHeadings() {
    assertEquals(List.of("audit-trail-and-history", "parameters-inframainbicep", "2-deploy-notify-only-on-the-pilot-subscription",
            "security-threat-model", "security-threat-model-1", "what-driftguard-may-do-and-why"),
        slugs(List.of("## Audit trail and `history`", "## Parameters (`infra/main.bicep`)",
            "## 2. Deploy notify-only on the pilot subscription", "## Security: threat model", "### Security: threat model",
            "## What driftguard may do, and why")));
    assertEquals(List.of(), slugs(List.of("```", "# not a heading inside a code block", "```")));
  }

  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("infra/README.md"),
        ROOT.resolve("BENCHMARKS.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    assertTrue(pages.size() > 5, pages.toString());
    return pages;
  }

  /** The link targets of a page, outside code blocks and inline code. */
  private static List<String> links(Path page) throws IOException {
    List<String> targets = new ArrayList<>();
    boolean inCode = false;
    for (String line : Files.readAllLines(page)) {
      if (line.strip().startsWith("```")) {
        inCode = !inCode;
        continue;
      }
      if (inCode) {
        continue;
      }
      Matcher link = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
      while (link.find()) {
        String target = link.group(1);
        if (!target.matches("(?i)^[a-z][a-z0-9+.-]*:.*")) {
          targets.add(target);
        }
      }
    }
    return targets;
  }

  private static Optional<String> problem(Path page, String target) {
    int hash = target.indexOf('#');
    String file = hash < 0 ? target : target.substring(0, hash);
    Path linked = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
    if (!linked.startsWith(ROOT)) {
      return Optional.of("outside the repository");
    }
    if (!Files.exists(linked)) {
      return Optional.of("no such file");
    }
    if (hash < 0) {
      return Optional.empty();
    }
    String anchor = target.substring(hash + 1);
    if (!linked.toString().endsWith(".md")) {
      return Optional.of("an anchor into a file that is not markdown");
    }
    try {
      return slugs(Files.readAllLines(linked)).contains(anchor) ? Optional.empty()
          : Optional.of("no heading with that anchor in " + ROOT.relativize(linked));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The anchors GitHub gives a page's headings: lower case, every character but letters, digits, spaces, {@code -}
   * and {@code _} dropped, spaces as {@code -}; a repeated slug gets {@code -1}, {@code -2}, ...
   */
  static List<String> slugs(List<String> lines) {
    List<String> slugs = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean inCode = false;
    for (String line : lines) {
      if (line.strip().startsWith("```")) {
        inCode = !inCode;
        continue;
      }
      Matcher heading = HEADING.matcher(line);
      if (inCode || !heading.matches()) {
        continue;
      }
      String slug = heading.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "")
          .replace(' ', '-');
      int count = seen.merge(slug, 1, Integer::sum);
      String unique = count == 1 ? slug : slug + "-" + (count - 1);
      slugs.add(unique);
    }
    return slugs;
  }
}
