package dev.memjcache.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example application in a second JVM (started by {@link SpringBootCachingTest} with the same
 * {@code -Dmemjcache.servers}): calls {@code find(isbn)} once and prints how often the method body
 * ran here and what it returned, as {@code runs=<n> value=<book>}.
 */
public final class SecondJvmApp {

  private SecondJvmApp() {}

  /**
   * @param args the ISBN to find
   */
  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(SpringBootExample.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    try (ConfigurableApplicationContext context = app.run()) {
      BookService books = context.getBean(BookService.class);
      Object value = books.find(args[0]);
      System.out.println("runs=" + books.runs("find") + " value=" + value);
    }
  }
}
