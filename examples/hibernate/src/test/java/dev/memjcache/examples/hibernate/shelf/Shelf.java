package dev.memjcache.examples.hibernate.shelf;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** A cached entity with a field of the application's own type ({@link Genre}). */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Shelf {
  @Id @GeneratedValue private Long id;

  @Enumerated(EnumType.STRING)
  private Genre genre;

  /** For Hibernate. */
  protected Shelf() {}

  /** A new shelf of {@code genre}. */
  public Shelf(Genre genre) {
    this.genre = genre;
  }

  /** The generated id. */
  public Long getId() {
    return id;
  }

  /** The genre. */
  public Genre getGenre() {
    return genre;
  }
}
