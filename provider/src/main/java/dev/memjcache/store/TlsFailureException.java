package dev.memjcache.store;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * A TLS connection to a memcached server failed for a reason the user can act on: its message says
 * which ({@link Kind}) and what to do. {@link TlsSockets#open} throws it for a failed handshake;
 * {@link TlsSockets#afterHandshake} also for a client certificate the server demands or refuses
 * after the handshake. A connection refused or a timeout is a plain {@link IOException}, not this.
 */
final class TlsFailureException extends IOException {

  private static final long serialVersionUID = 1L;

  /** Why the TLS connection failed. */
  enum Kind {
    /** The server answered in clear text: memcached started without {@code -Z}. */
    PLAIN_TEXT_SERVER,
    /** The server's certificate does not chain to a certificate of the trust store. */
    UNTRUSTED_CERTIFICATE,
    /** The certificate is valid but names neither the server's host nor {@code tlsHostname}. */
    WRONG_HOST_NAME,
    /** The server demands a client certificate and none is configured. */
    CLIENT_CERTIFICATE_REQUIRED,
    /** The server refused the configured client certificate. */
    CLIENT_CERTIFICATE_REFUSED,
    /** Any other handshake failure (no common protocol version or cipher, ...). */
    HANDSHAKE_FAILED
  }

  private final Kind kind;

  private TlsFailureException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** Returns why the connection failed. */
  Kind kind() {
    return kind;
  }

  /**
   * Classifies a failed handshake, or returns {@code failure} itself when it is no TLS failure (a
   * timeout or a refused connection).
   *
   * @param server the server
   * @param name the name its certificate was verified against
   * @param keyStore the configured client key store, or null
   * @param failure what {@code startHandshake} threw
   * @return the exception to throw
   */
  static IOException ofHandshake(
      InetSocketAddress server, String name, String keyStore, IOException failure) {
    if (failure instanceof SocketTimeoutException || !(failure instanceof SSLException)) {
      return failure;
    }
    String text = messages(failure);
    String where = "memcached " + server;
    if (text.contains("unsupported or unrecognized ssl message")
        || text.contains("plaintext connection")) {
      return new TlsFailureException(
          Kind.PLAIN_TEXT_SERVER,
          where
              + " answered the TLS handshake in clear text: the server does not speak TLS (started"
              + " without -Z, or a plain-text port). Start memcached with -Z -o"
              + " ssl_chain_cert=<cert.pem>,ssl_key=<key.pem>, or remove tls=true",
          failure);
    }
    if (clientCertificateAlert(text)) {
      return clientCertificate(server, keyStore, failure);
    }
    if (text.contains("no subject alternative") || text.contains("no name matching")) {
      return new TlsFailureException(
          Kind.WRONG_HOST_NAME,
          where
              + " presented a certificate that does not name '"
              + name
              + "' (host-name verification: "
              + firstLine(failure)
              + "). Connect by a name the certificate holds (ElastiCache's TLS nodes: their host"
              + " names, never their IP addresses), set tlsHostname to the name it holds, or issue"
              + " the certificate with subjectAltName "
              + (name.indexOf(':') >= 0
                      || name.chars().allMatch(c -> c == '.' || Character.isDigit(c))
                  ? "IP:"
                  : "DNS:")
              + name,
          failure);
    }
    if (hasCause(failure, CertificateExpiredException.class)
        || hasCause(failure, CertificateNotYetValidException.class)) {
      return new TlsFailureException(
          Kind.UNTRUSTED_CERTIFICATE,
          where
              + " presented a certificate outside its validity period ("
              + firstLine(failure)
              + "): renew the server's certificate",
          failure);
    }
    if (hasCause(failure, CertPathBuilderException.class)
        || hasCause(failure, CertPathValidatorException.class)
        || text.contains("pkix path")) {
      return new TlsFailureException(
          Kind.UNTRUSTED_CERTIFICATE,
          where
              + " presented a certificate that the trust store does not trust (it does not chain to"
              + " a certificate there). Set trustStore to a store that holds the CA (or"
              + " self-signed) certificate that issued the server's certificate (without trustStore"
              + " the JVM's default trust store is used)",
          failure);
    }
    return new TlsFailureException(
        Kind.HANDSHAKE_FAILED,
        "TLS handshake with "
            + where
            + " failed: "
            + firstLine(failure)
            + " (check the server's ssl_min_version and ssl_ciphers against this JVM's TLS"
            + " versions and cipher suites)",
        failure);
  }

  /**
   * The server ended the session because of the client certificate: missing ({@code keyStore} null)
   * or refused.
   */
  static TlsFailureException clientCertificate(
      InetSocketAddress server, String keyStore, IOException failure) {
    if (keyStore == null) {
      return new TlsFailureException(
          Kind.CLIENT_CERTIFICATE_REQUIRED,
          "memcached "
              + server
              + " requires a client certificate (mutual TLS: started with ssl_verify_mode=2 or 3"
              + " and ssl_ca_cert) and none is configured: set keyStore (and keyStorePassword) to"
              + " a key store holding a client certificate issued by a CA of the server's"
              + " ssl_ca_cert",
          failure);
    }
    return new TlsFailureException(
        Kind.CLIENT_CERTIFICATE_REFUSED,
        "memcached "
            + server
            + " refused the client certificate of keyStore '"
            + keyStore
            + "' ("
            + firstLine(failure)
            + "): it must be issued by a CA of the server's ssl_ca_cert and be valid now",
        failure);
  }

  /** TLS alerts a server sends about the client's certificate. */
  static boolean clientCertificateAlert(String lowerCaseText) {
    return lowerCaseText.contains("certificate_required")
        || lowerCaseText.contains("bad_certificate")
        || lowerCaseText.contains("unknown_ca")
        || lowerCaseText.contains("certificate_unknown")
        || lowerCaseText.contains("access_denied");
  }

  /** The messages of {@code t} and its causes, in lower case. */
  static String messages(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(' ').append(c.getMessage());
    }
    return all.toString().toLowerCase(Locale.ROOT);
  }

  private static String firstLine(Throwable t) {
    String m = String.valueOf(t.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
