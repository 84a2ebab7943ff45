package dev.memjcache;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * For tests that prove a secret (a SASL or store password) appears nowhere a user could see it:
 * captures everything written to {@code System.out} and {@code System.err} (where slf4j-simple
 * logs), collects exception messages, causes and {@code toString()}s, and reads every attribute of
 * every MBean on the platform MBeanServer. Used by the tests that run in their own JVM with every
 * logger at TRACE (provider/pom.xml, execution {@code sasl}).
 */
public final class SecretScan {

  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final List<String> seen = new ArrayList<>();
  private PrintStream originalErr;
  private PrintStream originalOut;

  /** Starts copying {@code System.out} and {@code System.err}. */
  public void captureOutput() {
    originalErr = System.err;
    originalOut = System.out;
    System.setErr(new PrintStream(new Tee(originalErr), true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(new Tee(originalOut), true, StandardCharsets.UTF_8));
  }

  /** Puts the original streams back. */
  public void restoreOutput() {
    if (originalErr != null) {
      System.setErr(originalErr);
      System.setOut(originalOut);
    }
  }

  /** Returns what was written to the captured streams so far. */
  public String log() {
    synchronized (log) {
      return log.toString(StandardCharsets.UTF_8);
    }
  }

  /** Records the message and {@code toString()} of {@code t}, its causes and suppressed ones. */
  public void seen(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      seen.add(c.toString());
      seen.add(String.valueOf(c.getMessage()));
      Arrays.stream(c.getSuppressed()).forEach(s -> seen.add(s.toString()));
    }
  }

  /** Records a text a user could see ({@code toString()}, a URI). */
  public void seen(String text) {
    seen.add(text);
  }

  /** Returns the texts recorded by {@link #seen}. */
  public List<String> texts() {
    return List.copyOf(seen);
  }

  /**
   * Returns every MBean name and the value of every readable attribute of the platform
   * MBeanServer's MBeans (arrays deep-printed; unreadable ones as their exception).
   *
   * @param domain an MBean domain that must be among them (such as {@code javax.cache})
   * @param atLeast how many MBeans of {@code domain} must have been read
   */
  public static List<String> mbeanValues(String domain, int atLeast) throws Exception {
    List<String> values = new ArrayList<>();
    MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
    int inDomain = 0;
    for (ObjectName name : mbeans.queryNames(null, null)) {
      values.add(name.toString());
      inDomain += name.getDomain().equals(domain) ? 1 : 0;
      for (MBeanAttributeInfo attribute : mbeans.getMBeanInfo(name).getAttributes()) {
        try {
          Object value = mbeans.getAttribute(name, attribute.getName());
          values.add(value instanceof Object[] a ? Arrays.deepToString(a) : String.valueOf(value));
        } catch (Exception | LinkageError unreadable) {
          values.add(unreadable.toString());
        }
      }
    }
    if (inDomain < atLeast) {
      throw new AssertionError(
          "expected at least " + atLeast + " MBeans of " + domain + ", found " + inDomain);
    }
    return values;
  }

  /** Copies everything written to a stream into {@link #log} as well. */
  private final class Tee extends OutputStream {
    private final PrintStream original;

    Tee(PrintStream original) {
      this.original = original;
    }

    @Override
    public void write(int b) {
      original.write(b);
      synchronized (log) {
        log.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      original.write(b, off, len);
      synchronized (log) {
        log.write(b, off, len);
      }
    }
  }
}
