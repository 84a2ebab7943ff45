package dev.memjcache.boot.app;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** A JPA entity in Hibernate's second-level cache ({@code @Cacheable}, read-write by default). */
@Entity
@Cacheable
public class Book {

  @Id private Long id;

  private String title;

  /** For JPA. */
  protected Book() {}

  /**
   * @param id the id
   * @param title the title
   */
  public Book(Long id, String title) {
    this.id = id;
    this.title = title;
  }

  /**
   * @return the id
   */
  public Long getId() {
    return id;
  }

  /**
   * @return the title
   */
  public String getTitle() {
    return title;
  }
}
