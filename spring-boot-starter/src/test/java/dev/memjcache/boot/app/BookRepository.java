package dev.memjcache.boot.app;

import org.springframework.data.jpa.repository.JpaRepository;

/** Spring Data JPA's repository of {@link Book}. */
public interface BookRepository extends JpaRepository<Book, Long> {}
