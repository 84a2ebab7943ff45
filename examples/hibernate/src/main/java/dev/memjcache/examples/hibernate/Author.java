package dev.memjcache.examples.hibernate;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/**
 * An author and their books. The entity (region {@code
 * <prefix>.dev.memjcache.examples.hibernate.Author}) and its {@code books} collection (region
 * {@code ...Author.books}) are both in the second-level cache, READ_WRITE.
 */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Author {
  @Id @GeneratedValue private Long id;

  private String name;

  @OneToMany(mappedBy = "author")
  @Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
  private List<Book> books = new ArrayList<>();

  /** For Hibernate. */
  protected Author() {}

  /** A new, transient author. */
  public Author(String name) {
    this.name = name;
  }

  /** The generated id, null before persist. */
  public Long getId() {
    return id;
  }

  /** The author's name. */
  public String getName() {
    return name;
  }

  /** Renames the author (an update at flush). */
  public void setName(String name) {
    this.name = name;
  }

  /** The books (lazy; from the collection cache when cached). */
  public List<Book> getBooks() {
    return books;
  }
}
