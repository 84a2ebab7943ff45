package dev.memjcache.examples.hibernate;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Version;
import java.math.BigDecimal;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/**
 * A versioned book, cached READ_WRITE in region {@code
 * <prefix>.dev.memjcache.examples.hibernate.Book}.
 */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Book {
  @Id @GeneratedValue private Long id;

  private String title;

  private BigDecimal price;

  @Version private int version;

  @ManyToOne(fetch = FetchType.LAZY)
  private Author author;

  /** For Hibernate. */
  protected Book() {}

  /** A new, transient book of {@code author}. */
  public Book(String title, BigDecimal price, Author author) {
    this.title = title;
    this.price = price;
    this.author = author;
    author.getBooks().add(this);
  }

  /** The generated id, null before persist. */
  public Long getId() {
    return id;
  }

  /** The title. */
  public String getTitle() {
    return title;
  }

  /** Changes the title (an update at flush). */
  public void setTitle(String title) {
    this.title = title;
  }

  /** The price. */
  public BigDecimal getPrice() {
    return price;
  }

  /** Changes the price (an update at flush). */
  public void setPrice(BigDecimal price) {
    this.price = price;
  }

  /** The optimistic-lock version. */
  public int getVersion() {
    return version;
  }

  /** The author (lazy). */
  public Author getAuthor() {
    return author;
  }
}
