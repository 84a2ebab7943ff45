package dev.memjcache.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for a memcached started with TLS ({@code -Z}, memcached's {@code tls.txt}), made at
 * run time with Debian's {@code openssl} in a new temporary directory: a small CA; a server
 * certificate for {@code IP:127.0.0.1} and {@code DNS:localhost}; a second server certificate for
 * {@code DNS:other.example} only (the wrong-name case); a client certificate (mutual TLS); and, in
 * PKCS12, a trust store holding the CA, a trust store holding an unrelated CA (the untrusted case)
 * and a key store holding the client's key and chain. Keys are EC P-256. Start a server with {@code
 * MemcachedProcess.start(setup.serverArgs())}.
 */
public final class TlsSetup {

  private static final String INSTALL_HINT =
      "openssl was not found on PATH (nor in /usr/bin); install it with 'apt-get install -y"
          + " openssl' on Debian/Ubuntu";

  /** The password of the stores {@link #create()} writes. */
  public static final String STORE_PASSWORD = "changeit-test";

  private final Path directory;
  private final String storePassword;

  private TlsSetup(Path directory, String storePassword) {
    this.directory = directory;
    this.storePassword = storePassword;
  }

  /** {@link #create(String)} with the password {@link #STORE_PASSWORD}. */
  public static TlsSetup create() {
    return create(STORE_PASSWORD);
  }

  /**
   * Creates the certificates and stores in a new temporary directory, readable by the {@code
   * nobody} user memcached runs as under root.
   *
   * @param storePassword the password of every store (and of the client's key)
   * @return the setup
   * @throws IllegalStateException when openssl is missing (with the apt-get command) or fails
   */
  public static TlsSetup create(String storePassword) {
    String openssl = findOpenssl();
    try {
      Path dir = Files.createTempDirectory("memjcache-tls");
      TlsSetup setup = new TlsSetup(dir, storePassword);
      setup.selfSigned(openssl, "ca", "MemJCache test CA");
      setup.selfSigned(openssl, "stranger-ca", "Unrelated test CA");
      setup.issued(openssl, "server", "localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost");
      setup.issued(openssl, "other", "other.example", "subjectAltName=DNS:other.example");
      setup.issued(openssl, "client", "memjcache-client", "extendedKeyUsage=clientAuth");
      setup.trustStore("truststore.p12", "ca.pem");
      setup.trustStore("stranger-truststore.p12", "stranger-ca.pem");
      setup.keyStore("client.p12", "client");
      // memcached drops root for 'nobody', which must read the certificates and keys
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      try (var files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        }
      }
      return setup;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot create the TLS test certificates: " + e, e);
    }
  }

  /**
   * Returns the path of openssl.
   *
   * @throws IllegalStateException with the apt-get command when it is missing
   */
  public static String findOpenssl() {
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "openssl"))) {
        return Path.of(dir, "openssl").toString();
      }
    }
    throw new IllegalStateException(INSTALL_HINT);
  }

  private void selfSigned(String openssl, String name, String commonName) throws IOException {
    newKey(
        openssl,
        name,
        "-x509",
        "-out",
        file(name + ".pem"),
        "-days",
        "30",
        "-subj",
        "/CN=" + commonName,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
  }

  /** {@code openssl req -newkey ec:P-256 -nodes -keyout <name>.key}, then {@code args}. */
  private void newKey(String openssl, String name, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                openssl,
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                file(name + ".key")));
    command.addAll(List.of(args));
    run(command.toArray(String[]::new));
  }

  private void issued(String openssl, String name, String commonName, String extension)
      throws IOException {
    newKey(openssl, name, "-out", file(name + ".csr"), "-subj", "/CN=" + commonName);
    Files.writeString(directory.resolve(name + ".ext"), extension + "\n");
    run(
        openssl,
        "x509",
        "-req",
        "-in",
        file(name + ".csr"),
        "-CA",
        file("ca.pem"),
        "-CAkey",
        file("ca.key"),
        "-CAcreateserial",
        "-days",
        "30",
        "-extfile",
        file(name + ".ext"),
        "-out",
        file(name + ".pem"));
  }

  private void trustStore(String store, String caPem) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("ca", certificate(caPem));
    try (OutputStream out = Files.newOutputStream(directory.resolve(store))) {
      ks.store(out, storePassword.toCharArray());
    }
  }

  private void keyStore(String store, String name) throws IOException, GeneralSecurityException {
    String pem = Files.readString(directory.resolve(name + ".key"));
    byte[] der =
        Base64.getMimeDecoder()
            .decode(
                pem.replace("-----BEGIN PRIVATE KEY-----", "")
                    .replace("-----END PRIVATE KEY-----", ""));
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry(
        name,
        key,
        storePassword.toCharArray(),
        new Certificate[] {certificate(name + ".pem"), certificate("ca.pem")});
    try (OutputStream out = Files.newOutputStream(directory.resolve(store))) {
      ks.store(out, storePassword.toCharArray());
    }
  }

  private Certificate certificate(String pem) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(directory.resolve(pem))) {
      return CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private String file(String name) {
    return directory.resolve(name).toString();
  }

  private static void run(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(
            "openssl failed: " + String.join(" ", command) + ": " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running openssl", e);
    }
  }

  /**
   * memcached arguments for TLS with the server certificate ({@code IP:127.0.0.1}, {@code
   * DNS:localhost}): {@code -Z -o ssl_chain_cert=...,ssl_key=...}, then {@code extraArgs}.
   */
  public String[] serverArgs(String... extraArgs) {
    return args("server", false, extraArgs);
  }

  /** {@link #serverArgs} with the certificate for {@code DNS:other.example} only. */
  public String[] wrongNameServerArgs(String... extraArgs) {
    return args("other", false, extraArgs);
  }

  /**
   * {@link #serverArgs} for mutual TLS: the server also demands a client certificate issued by the
   * CA ({@code ssl_ca_cert=<ca.pem>,ssl_verify_mode=2}).
   */
  public String[] mutualServerArgs(String... extraArgs) {
    return args("server", true, extraArgs);
  }

  private String[] args(String certificate, boolean mutual, String... extraArgs) {
    List<String> args = new ArrayList<>();
    args.add("-Z");
    args.add("-o");
    args.add(
        "ssl_chain_cert="
            + file(certificate + ".pem")
            + ",ssl_key="
            + file(certificate + ".key")
            + (mutual ? ",ssl_ca_cert=" + file("ca.pem") + ",ssl_verify_mode=2" : ""));
    args.addAll(List.of(extraArgs));
    return args.toArray(String[]::new);
  }

  /** Returns the PKCS12 trust store holding the CA (password {@link #storePassword()}). */
  public Path trustStore() {
    return directory.resolve("truststore.p12");
  }

  /**
   * Returns a PKCS12 trust store holding only an unrelated CA (password {@link #storePassword()}).
   */
  public Path untrustedTrustStore() {
    return directory.resolve("stranger-truststore.p12");
  }

  /**
   * Returns the PKCS12 key store holding the client's key and certificate chain (store and key
   * password {@link #storePassword()}).
   */
  public Path clientKeyStore() {
    return directory.resolve("client.p12");
  }

  /** Returns the password of every store (and of the client's key). */
  public String storePassword() {
    return storePassword;
  }

  /** Returns the CA certificate (PEM). */
  public Path caCertificate() {
    return directory.resolve("ca.pem");
  }

  /**
   * MemJCache options for TLS with {@link #trustStore()}: {@code tls}, {@code trustStore}, {@code
   * trustStorePassword}.
   *
   * @return new Properties
   */
  public Properties clientProperties() {
    Properties p = new Properties();
    p.setProperty("tls", "true");
    p.setProperty("trustStore", trustStore().toString());
    p.setProperty("trustStorePassword", storePassword);
    return p;
  }

  /** Returns the directory of the files. */
  public Path directory() {
    return directory;
  }

  /** Deletes the directory and its files. */
  public void delete() {
    SaslSetup.deleteFlat(directory);
  }
}
