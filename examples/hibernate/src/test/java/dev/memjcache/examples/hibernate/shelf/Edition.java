package dev.memjcache.examples.hibernate.shelf;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.annotations.NaturalId;
import org.hibernate.annotations.NaturalIdCache;

/** An entity found by its natural id (an ISBN), with Hibernate's natural-id cache on. */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
@NaturalIdCache
public class Edition {
  @Id @GeneratedValue private Long id;

  @NaturalId private String isbn;

  /** For Hibernate. */
  protected Edition() {}

  /** A new edition with this ISBN. */
  public Edition(String isbn) {
    this.isbn = isbn;
  }

  /** The ISBN. */
  public String getIsbn() {
    return isbn;
  }
}
