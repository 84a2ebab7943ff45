package dev.memjcache.examples.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A running {@link OtherJvm}: a second JVM process with its own SessionFactory, driven one command
 * at a time. Closing it ends its input, waits for it to exit and fails unless it exited with 0.
 */
final class OtherJvmProcess implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final BufferedReader out;
  private final BufferedWriter in;
  private final ExecutorService reader = Executors.newSingleThreadExecutor();

  /**
   * Starts the JVM on this JVM's class path and waits until its SessionFactory is open.
   *
   * @param log where its stderr goes
   */
  OtherJvmProcess(Path log, String jdbcUrl, String prefix, String cacheUri) throws Exception {
    this.log = log;
    this.process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                OtherJvm.class.getName(),
                jdbcUrl,
                prefix,
                cacheUri)
            .redirectError(log.toFile())
            .start();
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in =
        new BufferedWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    assertEquals("ready", answer());
  }

  /** Sends {@code command} and returns its answer (the next "@@ " line, within 60 s). */
  String ask(String command) throws Exception {
    in.write(command);
    in.newLine();
    in.flush();
    return answer();
  }

  private String answer() throws Exception {
    Future<String> line =
        reader.submit(
            () -> {
              for (String l = out.readLine(); l != null; l = out.readLine()) {
                if (l.startsWith("@@ ")) {
                  return l.substring(3);
                }
              }
              return null;
            });
    String answer = line.get(60, TimeUnit.SECONDS);
    if (answer == null) {
      throw new AssertionError("the other JVM ended: " + log());
    }
    return answer;
  }

  @Override
  public void close() throws Exception {
    try {
      in.close();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } finally {
      reader.shutdownNow();
      out.close();
    }
    assertEquals(0, process.exitValue(), () -> "the other JVM failed: " + log());
  }

  private String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
