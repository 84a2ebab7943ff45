package dev.memjcache.config;

import static dev.memjcache.config.MemJCacheSettings.KEY_STORE_PASSWORD;
import static dev.memjcache.config.MemJCacheSettings.PASSWORD;
import static dev.memjcache.config.MemJCacheSettings.TRUST_STORE_PASSWORD;
import static dev.memjcache.config.MemJCacheSettings.USERNAME;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Keeps passwords out of CacheManager URIs and out of every message that quotes one: a {@code
 * memcached://} URI is the manager's identity (MBean names, logs, exception messages).
 */
final class UriSecrets {

  /** The options that hold a secret: the SASL password and the TLS store passwords. */
  private static final List<String> SECRETS =
      List.of(PASSWORD, TRUST_STORE_PASSWORD, KEY_STORE_PASSWORD);

  private UriSecrets() {}

  /**
   * A memcached:// URI is the CacheManager's identity (MBean names, logs, messages): a password in
   * it would leak everywhere. Refused first, with a message that does not echo the URI.
   */
  static void refuse(URI uri) {
    String authority = uri.getRawAuthority();
    String ssp = uri.getRawSchemeSpecificPart();
    boolean userInfo =
        (authority != null && authority.indexOf('@') >= 0)
            || (authority == null && ssp != null && ssp.indexOf('@') >= 0);
    String secretOption = null;
    String query = uri.getRawQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        secretOption = secretOption != null ? secretOption : secretNamed(name);
      }
    }
    if (userInfo || secretOption != null) {
      throw new IllegalArgumentException(
          "Malformed CacheManager URI (not repeated here):"
              + " a memcached:// URI must not hold a password"
              + (userInfo
                  ? " (user information ...@ found)"
                  : " (option " + secretOption + " found)")
              + ": the URI is the CacheManager's identity and appears in MBean names, logs and"
              + " messages. Give "
              + (secretOption == null || secretOption.equals(PASSWORD)
                  ? USERNAME + " and " + PASSWORD
                  : secretOption)
              + " in the Properties passed to"
              + " getCacheManager, or use a file: or classpath: URI of a properties file that holds"
              + " them");
    }
  }

  /**
   * The URI for messages: user information and the value of a {@code password} query option
   * replaced by {@code ***}, so that no error message can echo a password given where it does not
   * belong.
   *
   * @param uri a CacheManager URI; may be null
   * @return its text, redacted
   */
  static String redacted(URI uri) {
    if (uri == null) {
      return "null";
    }
    String text = uri.toString();
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      text = text.replace(userInfo + "@", "***@");
    } else if (uri.getRawAuthority() == null && text.indexOf('@') >= 0) {
      text = uri.getScheme() + ":***" + text.substring(text.lastIndexOf('@'));
    }
    int q = text.indexOf('?');
    if (q >= 0) {
      StringBuilder out = new StringBuilder(text.substring(0, q + 1));
      String[] pairs = text.substring(q + 1).split("&", -1);
      for (int i = 0; i < pairs.length; i++) {
        int eq = pairs[i].indexOf('=');
        String name = eq < 0 ? pairs[i] : pairs[i].substring(0, eq);
        out.append(i == 0 ? "" : "&").append(secretNamed(name) != null ? name + "=***" : pairs[i]);
      }
      text = out.toString();
    }
    return text;
  }

  /** The secret option {@code raw} (percent-encoded, any case) names, or null. */
  private static String secretNamed(String raw) {
    for (String secret : SECRETS) {
      if (decodesTo(raw, secret)) {
        return secret;
      }
    }
    return null;
  }

  private static boolean decodesTo(String raw, String expected) {
    try {
      return java.net.URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8)
          .equalsIgnoreCase(expected);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
