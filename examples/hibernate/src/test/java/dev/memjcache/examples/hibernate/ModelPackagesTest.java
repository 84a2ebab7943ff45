package dev.memjcache.examples.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.codec.ClassNotAllowedException;
import dev.memjcache.examples.hibernate.shelf.Genre;
import dev.memjcache.examples.hibernate.shelf.Shelf;
import java.nio.file.Path;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hibernate's own cache types are trusted by default; the application names only its model
 * packages, and the error says how, in the form of its configuration (here a properties file).
 */
class ModelPackagesTest extends HibernateTestSupport {

  @TempDir Path dir;

  private Long persistShelf(SessionFactory sf) {
    Shelf shelf = new Shelf(Genre.HISTORY);
    sf.inTransaction(s -> s.persist(shelf));
    return shelf.getId();
  }

  @Test
  void anApplicationTypeInTheCachedStateNeedsItsPackageAndTheHintNamesThePropertiesFile()
      throws Exception {
    String uri = propertiesFile(dir);
    SessionFactory sf =
        open(newDatabase(), "model" + System.nanoTime(), uri, Map.of(), Shelf.class);
    // The write side asks the same allowlist, so the first cache put (after the insert commits)
    // already fails, before anything unreadable is stored.
    RuntimeException e = assertThrows(RuntimeException.class, () -> persistShelf(sf));
    Throwable cause = e;
    while (cause != null && !(cause instanceof ClassNotAllowedException)) {
      cause = cause.getCause();
    }
    assertNotNull(cause, () -> "expected ClassNotAllowedException, got " + e);
    assertEquals(Genre.class.getName(), ((ClassNotAllowedException) cause).className());
    // Hibernate hands the URI over as URL.toURI(): file:/tmp/..., the same file.
    assertTrue(
        cause
            .getMessage()
            .contains(
                "set allowPackages=dev.memjcache.examples.hibernate.shelf in the"
                    + " properties file file:"
                    + Path.of(java.net.URI.create(uri))),
        cause.getMessage());
  }

  @Test
  void withTheModelPackageAllowedEverythingIsCached() throws Exception {
    String uri = propertiesFile(dir, "allowPackages=dev.memjcache.examples.hibernate.shelf");
    SessionFactory sf =
        open(newDatabase(), "model" + System.nanoTime(), uri, Map.of(), Shelf.class);
    Long id = persistShelf(sf);
    sf.getStatistics().clear();
    assertEquals(Genre.HISTORY, sf.fromSession(s -> s.find(Shelf.class, id)).getGenre());
    assertEquals(1, sf.getStatistics().getSecondLevelCacheHitCount());
    assertEquals(0, sf.getStatistics().getPrepareStatementCount());
  }
}
