package dev.memjcache.config;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.cache.configuration.Factory;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;

/**
 * Parsers for single option values. Every failure is an {@link IllegalArgumentException} whose
 * message names the option, the offending value, where it came from and what was expected.
 */
final class OptionValues {

  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern EXPIRY =
      Pattern.compile(
          "(created|accessed|modified|touched)\\s*:\\s*(\\d+)\\s*(ms|s|m|h|d)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern HOST_NAME =
      Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9._-]*[A-Za-z0-9_])?");
  private static final Pattern IPV6 =
      Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9._-]+)?");
  private static final Pattern IDENTIFIER =
      Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*");
  private static final int MAX_KEY_PREFIX = 32;
  private static final int MAX_EXPTIME_MARGIN_SECONDS = 3600;

  private OptionValues() {}

  static IllegalArgumentException bad(String option, String value, String source, String expected) {
    return new IllegalArgumentException(
        "Bad value '"
            + value
            + "' for option "
            + option
            + " ("
            + source
            + "): expected "
            + expected);
  }

  /** The longest load lease: one hour, ms (a lease is a lock item's memcached exptime). */
  static final long MAX_LOAD_LEASE_MILLIS = 3_600_000;

  /** {@code cache.<name>.loadLeaseMillis}: a duration of 0 (no lease) up to one hour. */
  static long loadLeaseMillis(String option, String value, String source) {
    long millis = millis(option, value, source, 0);
    if (millis > MAX_LOAD_LEASE_MILLIS) {
      throw bad(
          option, value, source, "a load lease of at most 1h (" + MAX_LOAD_LEASE_MILLIS + "ms)");
    }
    return millis;
  }

  /**
   * Milliseconds from a plain number of milliseconds or {@code <n><ms|s|m|h|d>}.
   *
   * @param min the smallest accepted result (0 or 1)
   */
  static long millis(String option, String value, String source, long min) {
    String expected =
        (min > 0 ? "a positive" : "a non-negative")
            + " duration: milliseconds, or <n><ms|s|m|h|d> such as 500ms or 5s";
    Matcher m = DURATION.matcher(value.trim());
    if (!m.matches()) {
      throw bad(option, value, source, expected);
    }
    long result;
    try {
      long amount = Long.parseLong(m.group(1));
      result = Math.multiplyExact(amount, unitMillis(m.group(2)));
    } catch (ArithmeticException | NumberFormatException e) {
      throw bad(option, value, source, expected + " (at most " + Long.MAX_VALUE + "ms)");
    }
    if (result < min) {
      throw bad(option, value, source, expected);
    }
    return result;
  }

  private static long unitMillis(String unit) {
    if (unit == null) {
      return 1;
    }
    return switch (unit.toLowerCase(Locale.ROOT)) {
      case "ms" -> 1;
      case "s" -> 1_000;
      case "m" -> 60_000;
      case "h" -> 3_600_000;
      case "d" -> 86_400_000;
      default -> throw new IllegalStateException(unit);
    };
  }

  private static TimeUnit timeUnit(String unit) {
    return switch (unit.toLowerCase(Locale.ROOT)) {
      case "ms" -> TimeUnit.MILLISECONDS;
      case "s" -> TimeUnit.SECONDS;
      case "m" -> TimeUnit.MINUTES;
      case "h" -> TimeUnit.HOURS;
      case "d" -> TimeUnit.DAYS;
      default -> throw new IllegalStateException(unit);
    };
  }

  static int exptimeMarginSeconds(String option, String value, String source) {
    String expected = "a whole number of seconds from 0 to " + MAX_EXPTIME_MARGIN_SECONDS;
    String v = value.trim();
    if (!v.matches("\\d{1,9}")) {
      throw bad(option, value, source, expected);
    }
    int seconds = Integer.parseInt(v);
    if (seconds > MAX_EXPTIME_MARGIN_SECONDS) {
      throw bad(option, value, source, expected);
    }
    return seconds;
  }

  /** A whole number from {@code min} to {@code max} (serverFailureLimit, reconnectDelaySeconds). */
  static int wholeNumber(String option, String value, String source, int min, int max) {
    String expected = "a whole number from " + min + " to " + max;
    String v = value.trim();
    if (!v.matches("\\d{1,9}")) {
      throw bad(option, value, source, expected);
    }
    int n = Integer.parseInt(v);
    if (n < min || n > max) {
      throw bad(option, value, source, expected);
    }
    return n;
  }

  static String keyPrefix(String option, String value, String source) {
    String v = value.trim();
    boolean ok = !v.isEmpty() && v.length() <= MAX_KEY_PREFIX;
    for (int i = 0; ok && i < v.length(); i++) {
      char c = v.charAt(i);
      ok = c >= 0x21 && c <= 0x7E && c != ':';
    }
    if (!ok) {
      throw bad(
          option,
          value,
          source,
          "1 to " + MAX_KEY_PREFIX + " printable ASCII characters (0x21..0x7E) without ':'");
    }
    return v;
  }

  static FailureMode failureMode(String option, String value, String source) {
    for (FailureMode mode : FailureMode.values()) {
      if (mode.optionValue().equalsIgnoreCase(value.trim())) {
        return mode;
      }
    }
    throw bad(option, value, source, "fail or degrade");
  }

  static AsyncCompletion asyncCompletion(String option, String value, String source) {
    for (AsyncCompletion choice : AsyncCompletion.values()) {
      if (choice.optionValue().equalsIgnoreCase(value.trim())) {
        return choice;
      }
    }
    throw bad(option, value, source, "thread or inline");
  }

  static MemcachedProtocol protocol(String option, String value, String source) {
    for (MemcachedProtocol choice : MemcachedProtocol.values()) {
      if (choice.optionValue().equalsIgnoreCase(value.trim())) {
        return choice;
      }
    }
    throw bad(option, value, source, "binary or text");
  }

  static boolean bool(String option, String value, String source) {
    String v = value.trim();
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw bad(option, value, source, "true or false");
  }

  static List<String> allowPackages(String option, String value, String source) {
    Set<String> packages = new LinkedHashSet<>();
    for (String raw : value.split(",", -1)) {
      String p = raw.trim();
      if (p.isEmpty()) {
        continue;
      }
      if (p.endsWith(".")) {
        p = p.substring(0, p.length() - 1);
      }
      for (String segment : p.split("\\.", -1)) {
        if (!IDENTIFIER.matcher(segment).matches()) {
          throw bad(
              option,
              value,
              source,
              "comma separated Java package names such as "
                  + "com.example.model; '"
                  + raw.trim()
                  + "' is not one");
        }
      }
      packages.add(p);
    }
    return List.copyOf(packages);
  }

  /** The expiry default as a normalised spec and a JSR-107 policy factory. */
  record Expiry(String spec, Factory<ExpiryPolicy> factory) {}

  static Expiry expiry(String option, String value, String source) {
    String expected =
        "<created|accessed|modified|touched>:<n><ms|s|m|h|d> with n > 0, "
            + "such as created:10m, or eternal";
    String v = value.trim();
    if (v.equalsIgnoreCase("eternal")) {
      return new Expiry("eternal", EternalExpiryPolicy.factoryOf());
    }
    Matcher m = EXPIRY.matcher(v);
    if (!m.matches()) {
      throw bad(option, value, source, expected);
    }
    long amount;
    try {
      amount = Long.parseLong(m.group(2));
      // Duration keeps the amount in its unit but computes millis; reject what overflows.
      Math.multiplyExact(amount, unitMillis(m.group(3)));
    } catch (ArithmeticException | NumberFormatException e) {
      throw bad(option, value, source, expected + " (too large)");
    }
    if (amount <= 0) {
      throw bad(option, value, source, expected);
    }
    String kind = m.group(1).toLowerCase(Locale.ROOT);
    String unit = m.group(3).toLowerCase(Locale.ROOT);
    Duration duration = new Duration(timeUnit(unit), amount);
    Factory<ExpiryPolicy> factory =
        switch (kind) {
          case "created" -> CreatedExpiryPolicy.factoryOf(duration);
          case "accessed" -> AccessedExpiryPolicy.factoryOf(duration);
          case "modified" -> ModifiedExpiryPolicy.factoryOf(duration);
          case "touched" -> TouchedExpiryPolicy.factoryOf(duration);
          default -> throw new IllegalStateException(kind);
        };
    return new Expiry(kind + ":" + amount + unit, factory);
  }

  /**
   * Parses {@code host[:port][,host[:port]...]}; IPv6 literals bracketed ({@code [::1]:11211}).
   * Whitespace around entries is ignored. No DNS: the addresses are unresolved.
   */
  static List<InetSocketAddress> servers(String text, String source) {
    List<InetSocketAddress> result = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    String expected = "host:port[,host:port...] with IPv6 literals bracketed as [::1]:11211";
    if (text.isBlank()) {
      throw new IllegalArgumentException(
          "No memcached servers given (" + source + "): expected " + expected);
    }
    for (String raw : text.split(",", -1)) {
      String entry = raw.trim();
      String host;
      String port = null;
      if (entry.startsWith("[")) {
        int close = entry.indexOf(']');
        if (close < 0) {
          throw badServer(entry, source, "unclosed '['; " + expected);
        }
        host = entry.substring(1, close);
        String rest = entry.substring(close + 1);
        if (!rest.isEmpty()) {
          if (!rest.startsWith(":")) {
            throw badServer(entry, source, expected);
          }
          port = rest.substring(1);
        }
        if (!IPV6.matcher(host).matches()) {
          throw badServer(entry, source, "'" + host + "' is not an IPv6 literal");
        }
      } else {
        int colon = entry.indexOf(':');
        if (colon >= 0 && entry.indexOf(':', colon + 1) >= 0) {
          throw badServer(entry, source, "an IPv6 literal must be bracketed, as [::1]:11211");
        }
        host = colon < 0 ? entry : entry.substring(0, colon);
        port = colon < 0 ? null : entry.substring(colon + 1);
        if (!HOST_NAME.matcher(host).matches()) {
          throw badServer(
              entry,
              source,
              entry.isEmpty()
                  ? "an empty entry; " + expected
                  : "'" + host + "' is not a host name or IPv4 address");
        }
      }
      int portNumber = MemJCacheSettings.DEFAULT_PORT;
      if (port != null) {
        if (!port.matches("\\d{1,5}")
            || Integer.parseInt(port) < 1
            || Integer.parseInt(port) > 65535) {
          throw badServer(entry, source, "port '" + port + "' is not a number from 1 to 65535");
        }
        portNumber = Integer.parseInt(port);
      }
      if (!seen.add(host.toLowerCase(Locale.ROOT) + "/" + portNumber)) {
        throw badServer(entry, source, "the server is listed twice");
      }
      result.add(InetSocketAddress.createUnresolved(host, portNumber));
    }
    return result;
  }

  private static IllegalArgumentException badServer(String entry, String source, String why) {
    return new IllegalArgumentException(
        "Bad memcached server '" + entry + "' (" + source + "): " + why);
  }

  /** {@code host:port}, with IPv6 literals bracketed. */
  static String formatServer(InetSocketAddress address) {
    String host = address.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /**
   * Decodes {@code %XX} escapes as UTF-8. Unlike {@code URLDecoder}, leaves {@code '+'} alone: it
   * is a legal key prefix character, not a space, in a URI query.
   */
  static String percentDecode(String raw, String what) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    int i = 0;
    while (i < raw.length()) {
      int percent = raw.indexOf('%', i);
      int end = percent < 0 ? raw.length() : percent;
      byte[] plain = raw.substring(i, end).getBytes(StandardCharsets.UTF_8);
      bytes.write(plain, 0, plain.length);
      if (percent < 0) {
        break;
      }
      int hi = percent + 2 < raw.length() ? Character.digit(raw.charAt(percent + 1), 16) : -1;
      int lo = percent + 2 < raw.length() ? Character.digit(raw.charAt(percent + 2), 16) : -1;
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException(
            "Malformed percent-encoding in " + what + ": '" + raw + "'");
      }
      bytes.write(hi * 16 + lo);
      i = percent + 3;
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
