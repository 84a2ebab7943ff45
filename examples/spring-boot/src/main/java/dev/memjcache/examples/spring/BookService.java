package dev.memjcache.examples.spring;

import dev.memjcache.examples.spring.model.Book;
import dev.memjcache.examples.spring.model.BookQuery;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * A slow "book repository" behind Spring's cache annotations. Every method body counts its runs
 * ({@link #runs}), so the example and its tests can show which calls the cache served.
 *
 * <p>Caches: {@code books} (by ISBN), {@code byAuthor} (two arguments: Spring's {@code SimpleKey}),
 * {@code search} (a record key), {@code bestsellers} (no argument: {@code SimpleKey.EMPTY}), {@code
 * prices} ({@code sync = true}).
 */
@Service
public class BookService {

  private final Map<String, Book> store = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

  /** Creates the repository with three books. */
  public BookService() {
    for (Book b :
        List.of(
            new Book("111", "Dune", "Herbert"),
            new Book("222", "Children of Dune", "Herbert"),
            new Book("333", "Emma", "Austen"))) {
      store.put(b.isbn(), b);
    }
  }

  /** The book, or null when there is none: null results are cached too (Spring's NullValue). */
  @Cacheable("books")
  public Book find(String isbn) {
    ran("find");
    return store.get(isbn);
  }

  /** Stores the book and puts it into {@code books} under its ISBN. */
  @CachePut(cacheNames = "books", key = "#book.isbn")
  public Book save(Book book) {
    ran("save");
    store.put(book.isbn(), book);
    return book;
  }

  /** Deletes the book and evicts its {@code books} entry. */
  @CacheEvict("books")
  public void delete(String isbn) {
    ran("delete");
    store.remove(isbn);
  }

  /** One page (of 10) of an author's books; cached under {@code SimpleKey(author, page)}. */
  @Cacheable("byAuthor")
  public ArrayList<Book> byAuthor(String author, int page) {
    ran("byAuthor");
    return byAuthorUncached(author, page);
  }

  /** The same as {@link #byAuthor}, cached under the record key itself. */
  @Cacheable("search")
  public ArrayList<Book> search(BookQuery query) {
    ran("search");
    return byAuthorUncached(query.author(), query.page());
  }

  /** The ISBNs of the bestsellers; cached under {@code SimpleKey.EMPTY}. */
  @Cacheable("bestsellers")
  public ArrayList<String> bestsellers() {
    ran("bestsellers");
    return new ArrayList<>(List.of("111", "333"));
  }

  /** Empties the list caches ({@code allEntries = true}: {@code Cache.removeAll()}). */
  @CacheEvict(
      cacheNames = {"byAuthor", "search", "bestsellers"},
      allEntries = true)
  public void evictLists() {
    ran("evictLists");
  }

  /**
   * A slow price lookup (200 ms). {@code sync = true}: concurrent callers for one ISBN wait for one
   * computation (MemJCache runs Spring's value loader once per key in a JVM; with {@code
   * cache.prices.loadLeaseMillis} once across JVMs).
   */
  @Cacheable(cacheNames = "prices", sync = true)
  public BigDecimal price(String isbn) {
    ran("price");
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new BigDecimal("9.99").add(BigDecimal.valueOf(isbn.length()));
  }

  /** How often the body of {@code method} ran in this JVM. */
  public int runs(String method) {
    AtomicInteger n = runs.get(method);
    return n == null ? 0 : n.get();
  }

  private ArrayList<Book> byAuthorUncached(String author, int page) {
    return new ArrayList<>(
        store.values().stream()
            .filter(b -> b.author().equals(author))
            .sorted((a, b) -> a.isbn().compareTo(b.isbn()))
            .skip(page * 10L)
            .limit(10)
            .toList());
  }

  private void ran(String method) {
    runs.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
  }
}
