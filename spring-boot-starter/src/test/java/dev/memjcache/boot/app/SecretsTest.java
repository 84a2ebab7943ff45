package dev.memjcache.boot.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.testkit.MemcachedProcess;
import dev.memjcache.testkit.SaslSetup;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.client.RestTemplateBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.web.client.RestTemplate;

/**
 * SASL credentials bound from the environment ({@code MEMJCACHE_USERNAME}, {@code
 * MEMJCACHE_PASSWORD}, through Spring Boot's relaxed binding of a system-environment property
 * source) reach a real {@code memcached -S}, and the password shows up neither in {@code
 * /actuator/env} nor in {@code /actuator/configprops}, even with their values shown, nor in the log
 * (at INFO). {@link SecretKeysTest} covers the store passwords' keys.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsTest {

  static final String USER = "mjcboot";
  static final String PASSWORD = "Pw-" + Long.toHexString(System.nanoTime());

  static SaslSetup sasl;
  static MemcachedProcess server;

  @BeforeAll
  static void start() {
    sasl = SaslSetup.create(USER, PASSWORD);
    server = MemcachedProcess.start(sasl.environment(), "-S");
  }

  @AfterAll
  static void stop() {
    server.close();
    sasl.delete();
  }

  @Test
  void passwordsFromTheEnvironmentWorkAndAreMaskedEverywhere(CapturedOutput output) {
    Map<String, Object> environment =
        Map.of(
            "MEMJCACHE_SERVERS", server.address(),
            "MEMJCACHE_USERNAME", USER,
            "MEMJCACHE_PASSWORD", PASSWORD);
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(StarterTestApplication.class)
            .properties(
                "server.port=0",
                "logging.level.root=INFO",
                "management.endpoint.env.show-values=always",
                "management.endpoint.configprops.show-values=always")
            .initializers(
                c ->
                    c.getEnvironment()
                        .getPropertySources()
                        .addFirst(
                            new SystemEnvironmentPropertySource("test-environment", environment)))
            .run()) {
      javax.cache.CacheManager jcache = context.getBean(javax.cache.CacheManager.class);
      Cache<String, String> cache =
          jcache.createCache("secrets-test", new MutableConfiguration<String, String>());
      cache.put("k", "v");
      assertEquals("v", cache.get("k"), "authenticated to memcached -S with the environment's");

      RestTemplate http =
          new RestTemplateBuilder()
              .rootUri(
                  "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"))
              .build();
      String env = http.getForObject("/actuator/env", String.class);
      assertTrue(env.contains("MEMJCACHE_USERNAME"), "the env endpoint lists the source: " + env);
      assertTrue(env.contains(USER), "other values are shown");
      String configprops = http.getForObject("/actuator/configprops", String.class);
      assertTrue(configprops.contains("memjcache"), configprops);
      for (String body : new String[] {env, configprops}) {
        assertFalse(body.contains(PASSWORD), "the SASL password is masked");
        assertTrue(body.contains("******"), "masked, not left out");
      }
    }
    assertFalse(output.getAll().contains(PASSWORD), "the password is not logged");
  }
}
