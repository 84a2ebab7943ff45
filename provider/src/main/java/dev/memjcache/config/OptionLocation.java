package dev.memjcache.config;

import java.util.Objects;

/**
 * Where a CacheManager's options are written, so that an error message can tell the user how to
 * change one in the form that fits their set-up: the query of a {@code memcached://} URI, a line of
 * the properties file the URI names, or an entry of the Properties given to {@code
 * CachingProvider.getCacheManager}. Immutable; never holds option values (which may be secrets),
 * only the servers or the properties file's URI.
 */
public final class OptionLocation {

  private enum Kind {
    URI_QUERY,
    PROPERTIES_FILE,
    PROPERTIES
  }

  private final Kind kind;
  private final String where;

  private OptionLocation(Kind kind, String where) {
    this.kind = kind;
    this.where = where;
  }

  /** The query of a {@code memcached://<servers>} URI; {@code servers} is {@code host:port,...}. */
  static OptionLocation uriQuery(String servers) {
    return new OptionLocation(Kind.URI_QUERY, Objects.requireNonNull(servers));
  }

  /** A line of the properties file at {@code fileUri} (shown without any user information). */
  static OptionLocation propertiesFile(String fileUri) {
    return new OptionLocation(
        Kind.PROPERTIES_FILE, Objects.requireNonNull(fileUri).replaceAll("//[^/@]*@", "//"));
  }

  /** An entry of the Properties passed to {@code getCacheManager}. */
  static OptionLocation properties() {
    return new OptionLocation(Kind.PROPERTIES, "");
  }

  /**
   * An instruction that sets {@code option} to {@code value} here, for example {@code "set
   * allowPackages=com.acme in the properties file jar:file:/app.jar!/memjcache.properties"}.
   *
   * @param option the option name
   * @param value the complete value to set
   * @return a phrase starting with a verb, without a final period
   */
  public String howToSet(String option, String value) {
    String setting = option + "=" + value;
    return switch (kind) {
      case URI_QUERY ->
          "add "
              + setting
              + " to the query of the CacheManager URI (memcached://"
              + where
              + "?"
              + setting
              + ")";
      case PROPERTIES_FILE -> "set " + setting + " in the properties file " + where;
      case PROPERTIES ->
          "set the entry " + setting + " in the Properties passed to getCacheManager";
    };
  }

  @Override
  public String toString() {
    return kind + (where.isEmpty() ? "" : " " + where);
  }
}
