package dev.memjcache.support;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/** Closing several resources so that one failure does not stop the others. */
public final class Resources {

  private Resources() {}

  /** A closer for {@code resource} when it is {@link AutoCloseable}, else a no-op. */
  public static Closeable closerOf(Object resource) {
    if (resource instanceof AutoCloseable closeable) {
      return () -> {
        try {
          closeable.close();
        } catch (IOException | RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new IOException(e);
        }
      };
    }
    return () -> {};
  }

  /**
   * A closer that closes every one of {@code resources} in order, even when some fail; the first
   * failure is thrown with the later ones attached as suppressed exceptions.
   */
  public static Closeable closingAll(List<? extends Closeable> resources) {
    List<Closeable> copy = List.copyOf(resources);
    return () -> {
      Throwable first = null;
      for (Closeable resource : copy) {
        try {
          resource.close();
        } catch (IOException | RuntimeException e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
      if (first instanceof IOException io) {
        throw io;
      }
      if (first != null) {
        throw (RuntimeException) first;
      }
    };
  }
}
