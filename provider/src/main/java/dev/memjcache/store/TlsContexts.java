package dev.memjcache.store;

import dev.memjcache.config.MemJCacheSettings;
import dev.memjcache.config.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.regex.Pattern;
import javax.cache.CacheException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * Builds the {@link SSLContext} of a CacheManager from its {@link TlsSettings} with the JDK's own
 * parts: {@link KeyStore}, {@link TrustManagerFactory}, {@link KeyManagerFactory}. Messages name
 * the option and the store's location, never a password.
 */
final class TlsContexts {

  /** {@code scheme:} of at least two characters: a URL; {@code C:\...} stays a path. */
  private static final Pattern URL_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:.*");

  private TlsContexts() {}

  /**
   * The client's context, the context of MemJCache's own sockets (same stores, its own session
   * cache), and the key manager that records which sockets the server asked for a client
   * certificate.
   */
  record Built(SSLContext context, SSLContext own, ClientCertificates clientCertificates) {}

  /**
   * Reads the stores and builds the context.
   *
   * @param tls enabled TLS settings
   * @param classLoader resolves {@code classpath:} locations
   * @return the context
   * @throws CacheException when a store cannot be found or read (wrong password, wrong type), or
   *     holds nothing usable
   */
  static Built build(TlsSettings tls, ClassLoader classLoader) {
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (tls.trustStore().isPresent()) {
        KeyStore store =
            load(
                MemJCacheSettings.TRUST_STORE,
                tls.trustStore().get(),
                tls.trustStoreType(),
                tls.trustStorePassword(),
                classLoader);
        if (store.size() == 0) {
          throw new CacheException(
              "trustStore '" + tls.trustStore().get() + "' holds no certificate");
        }
        trust.init(store);
      } else {
        trust.init((KeyStore) null); // the JVM's default trust store
      }
      X509KeyManager keys = null;
      if (tls.keyStore().isPresent()) {
        keys = keyManager(tls, classLoader);
      }
      ClientCertificates recorder = new ClientCertificates(keys);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {recorder}, trust.getTrustManagers(), null);
      SSLContext own = SSLContext.getInstance("TLS");
      own.init(new KeyManager[] {recorder}, trust.getTrustManagers(), null);
      return new Built(context, own, recorder);
    } catch (GeneralSecurityException e) {
      throw new CacheException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static X509KeyManager keyManager(TlsSettings tls, ClassLoader classLoader)
      throws GeneralSecurityException {
    String location = tls.keyStore().get();
    String password = tls.keyStorePassword();
    KeyStore store =
        load(MemJCacheSettings.KEY_STORE, location, tls.keyStoreType(), password, classLoader);
    boolean hasKey = false;
    for (String alias : Collections.list(store.aliases())) {
      hasKey |= store.isKeyEntry(alias);
    }
    if (!hasKey) {
      throw new CacheException(
          "keyStore '"
              + location
              + "' holds no private key entry: it must hold the client certificate and its key");
    }
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    try {
      factory.init(store, password == null ? new char[0] : password.toCharArray());
    } catch (UnrecoverableKeyException e) {
      throw new CacheException(
          "cannot read the private key of keyStore '"
              + location
              + "': the key's password must be keyStorePassword",
          e);
    }
    for (KeyManager manager : factory.getKeyManagers()) {
      if (manager instanceof X509KeyManager x509) {
        return x509;
      }
    }
    throw new CacheException("keyStore '" + location + "' gives no X.509 key manager");
  }

  private static KeyStore load(
      String option, String location, String type, String password, ClassLoader classLoader) {
    KeyStore store;
    try {
      store = KeyStore.getInstance(type);
    } catch (KeyStoreException e) {
      throw new CacheException(
          option + "Type '" + type + "' is not a KeyStore type of this JVM", e);
    }
    try (InputStream in = open(option, location, classLoader)) {
      store.load(in, password == null ? null : password.toCharArray());
      return store;
    } catch (NoSuchFileException e) {
      throw new CacheException(option + " '" + location + "' does not exist", e);
    } catch (IOException | GeneralSecurityException e) {
      boolean wrongPassword = e.getCause() instanceof UnrecoverableKeyException;
      throw new CacheException(
          "cannot read "
              + option
              + " '"
              + location
              + "' as a "
              + type
              + " store: "
              + (wrongPassword
                  ? "the password is wrong (option " + option + "Password)"
                  : e.getMessage() + " (is it a " + type + " store? set " + option + "Type)"),
          e);
    }
  }

  private static InputStream open(String option, String location, ClassLoader classLoader)
      throws IOException {
    if (location.startsWith("classpath:")) {
      String name = location.substring("classpath:".length());
      name = name.startsWith("/") ? name.substring(1) : name;
      ClassLoader loader = classLoader != null ? classLoader : TlsContexts.class.getClassLoader();
      URL url = loader.getResource(name);
      if (url == null) {
        throw new CacheException(
            option + " '" + location + "' is not on the class path of the CacheManager");
      }
      return url.openStream();
    }
    if (URL_SCHEME.matcher(location).matches()) {
      try {
        return URI.create(location).toURL().openStream();
      } catch (IllegalArgumentException e) {
        throw new CacheException(option + " '" + location + "' is not a valid URL", e);
      }
    }
    return Files.newInputStream(Path.of(location));
  }

  /**
   * The client's key manager, which also records the sockets whose server asked for a client
   * certificate (TLS {@code CertificateRequest}): under TLS 1.3 a server that rejects the client's
   * certificate (or its absence) says so only after the handshake, and this tells that case from a
   * server that just closed the connection.
   */
  static final class ClientCertificates extends X509ExtendedKeyManager {

    private final X509KeyManager delegate;
    private final Map<Socket, Boolean> asked = Collections.synchronizedMap(new WeakHashMap<>());

    ClientCertificates(X509KeyManager delegate) {
      this.delegate = delegate;
    }

    /** Whether the server of {@code socket} asked for a client certificate. */
    boolean requested(Socket socket) {
      return asked.containsKey(socket);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      if (socket != null) {
        asked.put(socket, Boolean.TRUE);
      }
      return delegate == null ? null : delegate.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      if (delegate instanceof X509ExtendedKeyManager extended) {
        return extended.chooseEngineClientAlias(keyType, issuers, engine);
      }
      return delegate == null ? null : delegate.chooseClientAlias(keyType, issuers, null);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return delegate == null ? null : delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null; // a client only
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return delegate == null ? null : delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return delegate == null ? null : delegate.getPrivateKey(alias);
    }
  }
}
