package dev.memjcache.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * The starter's {@link SanitizingFunction} masks every MemJCache password key in every spelling the
 * actuator shows (a property name, a camel-case configprops path, an environment variable) and
 * leaves other keys alone.
 */
class SecretKeysTest {

  private final SanitizingFunction secrets =
      new MemJCacheAutoConfiguration.Secrets().memjcacheSecrets();

  private Object shown(String key) {
    return secrets.applyUnlessFiltered(new SanitizableData(null, key, "value")).getValue();
  }

  @Test
  void everyMemJCachePasswordKeyIsMasked() {
    for (String key :
        List.of(
            "memjcache.password",
            "MEMJCACHE_PASSWORD",
            "memjcache.trust-store-password",
            "memjcache.trustStorePassword",
            "MEMJCACHE_TRUST_STORE_PASSWORD",
            "memjcache.key-store-password",
            "MEMJCACHE_KEYSTOREPASSWORD")) {
      assertEquals(SanitizableData.SANITIZED_VALUE, shown(key), key);
    }
  }

  @Test
  void otherKeysAreLeftAlone() {
    for (String key :
        List.of(
            "memjcache.username", "memjcache.servers", "memjcache.trust-store", "app.password")) {
      assertEquals("value", shown(key), key);
    }
  }
}
