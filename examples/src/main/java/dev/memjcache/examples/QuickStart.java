package dev.memjcache.examples;

import dev.memjcache.testkit.MemcachedProcess;
import java.io.Serializable;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.spi.CachingProvider;

/**
 * MemJCache quick start: plain {@code javax.cache} code against a real memcached.
 *
 * <p>Usage: {@code QuickStart [memcached://host:port]}. Without an argument (and without the {@code
 * MEMJCACHE_SERVERS} environment variable) it starts a private memcached on a free loopback port
 * and stops it at the end.
 */
public final class QuickStart {

  /** A user value: a few fields, a map and a list. Its package is allowed via allowPackages. */
  public static final class User implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final int age;
    private final Map<String, String> attributes;
    private final List<String> roles;

    /** Creates a user. */
    public User(String name, int age, Map<String, String> attributes, List<String> roles) {
      this.name = name;
      this.age = age;
      this.attributes = attributes;
      this.roles = roles;
    }

    @Override
    public String toString() {
      return "User{name="
          + name
          + ", age="
          + age
          + ", attributes="
          + attributes
          + ", roles="
          + roles
          + "}";
    }
  }

  private QuickStart() {}

  /**
   * Runs the quick start.
   *
   * @param args optional memcached URI
   * @throws Exception when memcached cannot be started or reached
   */
  public static void main(String[] args) throws Exception {
    String servers = args.length > 0 ? args[0] : System.getenv("MEMJCACHE_SERVERS");
    MemcachedProcess privateServer = null;
    if (servers == null || servers.isBlank()) {
      privateServer = MemcachedProcess.start();
      servers = privateServer.uri();
      System.out.println("started a private memcached at " + privateServer.address());
    }
    try {
      run(servers.startsWith("memcached://") ? servers : "memcached://" + servers);
    } finally {
      if (privateServer != null) {
        privateServer.close();
        System.out.println("stopped the private memcached");
      }
    }
  }

  private static void run(String servers) throws InterruptedException {
    CachingProvider provider = Caching.getCachingProvider();
    URI uri = URI.create(servers + "?allowPackages=dev.memjcache.examples");
    try (CacheManager manager = provider.getCacheManager(uri, QuickStart.class.getClassLoader())) {
      System.out.println(
          "provider: " + provider.getClass().getName() + ", manager: " + manager.getURI());

      Cache<String, User> users =
          manager.createCache(
              "users", new MutableConfiguration<String, User>().setTypes(String.class, User.class));
      users.put("ada", new User("Ada", 36, Map.of("team", "engines"), List.of("admin", "dev")));
      System.out.println("get(ada) = " + users.get("ada"));

      boolean first = users.putIfAbsent("alan", new User("Alan", 41, Map.of(), List.of("dev")));
      boolean second = users.putIfAbsent("alan", new User("Impostor", 0, Map.of(), List.of()));
      System.out.println(
          "putIfAbsent(alan) = "
              + first
              + ", again = "
              + second
              + ", get(alan) = "
              + users.get("alan"));

      System.out.println(
          "getAll(ada, alan, grace) = " + users.getAll(Set.of("ada", "alan", "grace")).keySet());

      Cache<String, String> sessions =
          manager.createCache(
              "sessions",
              new MutableConfiguration<String, String>()
                  .setTypes(String.class, String.class)
                  .setExpiryPolicyFactory(
                      CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 500))));
      sessions.put("s1", "token");
      System.out.println("session right after put = " + sessions.get("s1"));
      TimeUnit.MILLISECONDS.sleep(700);
      System.out.println("session after 700 ms (expiry 500 ms) = " + sessions.get("s1"));

      users.clear();
      System.out.println(
          "after users.clear(): get(ada) = "
              + users.get("ada")
              + ", get(alan) = "
              + users.get("alan"));
    }
  }
}
