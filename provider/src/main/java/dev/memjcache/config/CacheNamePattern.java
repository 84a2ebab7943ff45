package dev.memjcache.config;

import java.util.Comparator;
import java.util.regex.Pattern;

/**
 * A cache-name pattern of the {@code cache.<pattern>.<option>} defaults: {@code *} stands for any
 * run of characters, dots included, so {@code cache.orders.*.expiry} covers every Hibernate region
 * under {@code hibernate.cache.region_prefix=orders}, and {@code cache.*.statistics} every cache.
 * Immutable.
 */
final class CacheNamePattern {

  /**
   * Precedence among patterns that match one name: more literal (non-{@code *}) characters first,
   * then fewer {@code *}, then the pattern text, so the order never depends on the order the
   * options were written in.
   */
  static final Comparator<CacheNamePattern> MOST_SPECIFIC_FIRST =
      Comparator.comparingInt((CacheNamePattern p) -> -p.literalLength)
          .thenComparingInt(p -> p.wildcards)
          .thenComparing(p -> p.text);

  private final String text;
  private final Pattern regex;
  private final int literalLength;
  private final int wildcards;

  private CacheNamePattern(String text) {
    this.text = text;
    StringBuilder regex = new StringBuilder();
    int literal = 0;
    int stars = 0;
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '*') {
        if (i > start) {
          regex.append(Pattern.quote(text.substring(start, i)));
          literal += i - start;
        }
        if (i < text.length()) {
          regex.append(".*");
          stars++;
        }
        start = i + 1;
      }
    }
    this.regex = Pattern.compile(regex.toString(), Pattern.DOTALL);
    this.literalLength = literal;
    this.wildcards = stars;
  }

  /** Whether a {@code cache.<name>} segment is a pattern rather than one cache's exact name. */
  static boolean isPattern(String name) {
    return name.indexOf('*') >= 0;
  }

  /** Compiles {@code text}, which holds at least one {@code *}. */
  static CacheNamePattern of(String text) {
    return new CacheNamePattern(text);
  }

  /** The pattern as written. */
  String text() {
    return text;
  }

  /** Whether the whole of {@code cacheName} matches. */
  boolean matches(String cacheName) {
    return regex.matcher(cacheName).matches();
  }
}
