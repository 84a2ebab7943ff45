package dev.memjcache.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and the guides under {@code docs/}: every relative link names a file that exists,
 * every {@code #anchor} a heading of its target (GitHub's anchor rules), and the README links every
 * guide.
 */
class DocsLinksTest {

  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void everyRelativeLinkAndAnchorResolves() throws IOException {
    List<String> broken = new ArrayList<>();
    Map<Path, Set<String>> anchors = new HashMap<>();
    int checked = 0;
    for (Path doc : documents()) {
      for (String target : links(doc)) {
        if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
          continue; // https:, mailto: and the like: not ours to check offline
        }
        checked++;
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(ROOT.relativize(doc) + ": " + target + " (no such file)");
          continue;
        }
        if (hash >= 0) {
          String anchor = target.substring(hash + 1);
          if (!anchors.computeIfAbsent(resolved, DocsLinksTest::anchorsOf).contains(anchor)) {
            broken.add(ROOT.relativize(doc) + ": " + target + " (no such heading)");
          }
        }
      }
    }
    assertEquals(List.of(), broken);
    assertTrue(checked > 10, "only " + checked + " links found: is the parser still right?");
  }

  @Test
  void theReadmeLinksEveryGuide() throws IOException {
    Set<String> linked = new HashSet<>(links(ROOT.resolve("README.md")));
    List<String> unlinked = new ArrayList<>();
    try (Stream<Path> guides = Files.list(ROOT.resolve("docs"))) {
      guides
          .filter(p -> p.toString().endsWith(".md"))
          .map(p -> "docs/" + p.getFileName())
          .filter(g -> linked.stream().noneMatch(l -> l.equals(g) || l.startsWith(g + "#")))
          .sorted()
          .forEach(unlinked::add);
    }
    assertEquals(List.of(), unlinked, "guides the README does not link");
  }

  @Test
  void anchorsFollowGitHubsRules() {
    assertEquals(
        Set.of("how-entries-are-stored", "tls-and-the-text-protocol", "faq", "faq-1"),
        anchorsOf(
            List.of(
                "# How entries are stored", "## TLS and the `text` protocol", "# FAQ", "# FAQ")));
  }

  private static List<Path> documents() throws IOException {
    List<Path> docs = new ArrayList<>();
    docs.add(ROOT.resolve("README.md"));
    docs.add(ROOT.resolve("benchmarks/README.md"));
    try (Stream<Path> guides = Files.list(ROOT.resolve("docs"))) {
      guides.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  /** The link targets of a Markdown file, outside fenced code blocks and inline code. */
  private static List<String> links(Path doc) throws IOException {
    List<String> targets = new ArrayList<>();
    boolean fenced = false;
    for (String line : Files.readAllLines(doc)) {
      if (line.strip().startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      if (fenced) {
        continue;
      }
      Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
      while (m.find()) {
        targets.add(m.group(1));
      }
    }
    return targets;
  }

  private static Set<String> anchorsOf(Path doc) {
    try {
      return anchorsOf(Files.readAllLines(doc));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** GitHub's heading anchors: lower case, punctuation but '-' and '_' dropped, spaces as '-'. */
  private static Set<String> anchorsOf(List<String> lines) {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean fenced = false;
    for (String line : lines) {
      if (line.strip().startsWith("```")) {
        fenced = !fenced;
      }
      if (fenced || !line.matches("^#{1,6} .*")) {
        continue;
      }
      String slug =
          line.replaceFirst("^#+ ", "")
              .strip()
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{N} _-]", "")
              .replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum);
      anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
    }
    return anchors;
  }
}
