package dev.memjcache.examples.hibernate;

import java.math.BigDecimal;
import org.hibernate.SessionFactory;

/**
 * The example's data: an author with a cheap (12.50) and a dear (30.00) book.
 *
 * @param author the author, persisted
 * @param cheap the book priced 12.50, persisted
 * @param dear the book priced 30.00, persisted
 */
public record Library(Author author, Book cheap, Book dear) {

  /**
   * Persists an author and two books in one transaction; the inserts also put the entities into
   * their regions (READ_WRITE {@code afterInsert}).
   *
   * @param sf where to persist
   * @param authorName the author's name
   * @param cheapTitle the title of the book priced 12.50
   * @param dearTitle the title of the book priced 30.00
   * @return the persisted entities, with their ids
   */
  public static Library persist(
      SessionFactory sf, String authorName, String cheapTitle, String dearTitle) {
    Author author = new Author(authorName);
    Library library =
        new Library(
            author,
            new Book(cheapTitle, new BigDecimal("12.50"), author),
            new Book(dearTitle, new BigDecimal("30.00"), author));
    sf.inTransaction(
        s -> {
          s.persist(library.author);
          s.persist(library.cheap);
          s.persist(library.dear);
        });
    return library;
  }
}
