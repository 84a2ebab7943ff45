package dev.memjcache.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Keeps the starter in step with the provider's options table (docs/configuration.md, the list
 * every option of the provider is documented in): each option has a {@code memjcache.*} property in
 * the generated {@code META-INF/spring-configuration-metadata.json} with a description, the table's
 * default as its default, and a value bound to that property reaches the provider under the
 * option's name.
 */
class ConfigurationMetadataTest {

  private static final Path TABLE = Path.of("..", "docs", "configuration.md");
  private static final Path METADATA =
      Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json");
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  /** Provider option to its default as the table writes it (without backticks). */
  private static Map<String, String> optionsTable() throws IOException {
    Map<String, String> options = new LinkedHashMap<>();
    boolean inTable = false;
    for (String line : Files.readAllLines(TABLE)) {
      if (line.startsWith("| option |")) {
        inTable = true;
      } else if (inTable && !line.startsWith("|")) {
        break;
      } else if (inTable && !line.startsWith("| ---")) {
        String[] cells = line.split("(?<!\\\\)\\|");
        Matcher names = CODE.matcher(cells[1]);
        String defaultValue = cells[2].trim().replace("`", "");
        while (names.find()) {
          options.put(names.group(1), defaultValue);
        }
      }
    }
    return options;
  }

  private static Map<String, JsonNode> metadata() throws IOException {
    JsonNode root = new ObjectMapper().readTree(METADATA.toFile());
    Map<String, JsonNode> byName = new HashMap<>();
    root.get("properties").forEach(p -> byName.put(p.get("name").asText(), p));
    return byName;
  }

  /** {@code operationTimeoutMillis} to {@code operation-timeout-millis}. */
  static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  /** The per-cache key of a {@code cache.<name>.<option>}: {@code loadLeaseMillis} is a lease. */
  private static String perCacheKey(String option) {
    String name = option.substring(option.lastIndexOf('.') + 1);
    return name.equals("loadLeaseMillis") ? "load-lease" : kebab(name);
  }

  private static boolean isPerCache(String option) {
    return option.startsWith("cache.<name>.");
  }

  @Test
  void everyOptionOfTheTableHasADescribedPropertyWithItsDefault() throws IOException {
    Map<String, String> table = optionsTable();
    assertTrue(table.size() >= 18, "the options table was read: " + table.keySet());
    Map<String, JsonNode> metadata = metadata();
    JsonNode caches = metadata.get("memjcache.caches");
    assertNotNull(caches, "memjcache.caches");
    List<String> problems = new ArrayList<>();
    table.forEach(
        (option, defaultValue) -> {
          if (isPerCache(option)) {
            String description = caches.path("description").asText();
            if (!description.contains(perCacheKey(option))) {
              problems.add(option + ": memjcache.caches' description omits " + perCacheKey(option));
            }
            return;
          }
          String name = "memjcache." + kebab(option);
          JsonNode property = metadata.get(name);
          if (property == null) {
            problems.add(option + ": no property " + name);
            return;
          }
          if (property.path("description").asText().isBlank()) {
            problems.add(name + " has no description");
          }
          // a conditional default ("`true` with `proxy=true`") is the description's to explain
          if (!defaultValue.startsWith("(none)") && !defaultValue.contains(" ")) {
            String metadataDefault = property.path("defaultValue").asText("(none)");
            if (!metadataDefault.replaceFirst("ms$", "").equalsIgnoreCase(defaultValue)) {
              problems.add(
                  name + " defaults to " + metadataDefault + ", the table says " + defaultValue);
            }
          }
        });
    assertEquals(List.of(), problems);
  }

  @Test
  void theServersAndEveryPerCacheKeyHaveADescription() throws IOException {
    Map<String, JsonNode> metadata = metadata();
    assertFalse(metadata.get("memjcache.servers").path("description").asText().isBlank());
    for (String key : List.of("expiry", "statistics", "management", "load-lease")) {
      assertTrue(metadata.get("memjcache.caches").path("description").asText().contains(key), key);
    }
  }

  @Test
  void aValueBoundToEachPropertyReachesTheProviderUnderTheOptionsName() throws IOException {
    Map<String, JsonNode> metadata = metadata();
    for (String option : optionsTable().keySet()) {
      String property =
          isPerCache(option)
              ? "memjcache.caches[orders.*]." + perCacheKey(option)
              : "memjcache." + kebab(option);
      String type =
          isPerCache(option)
              ? perCacheType(option)
              : metadata.get("memjcache." + kebab(option)).get("type").asText();
      String[] sample = sample(type);
      Properties provider = bind(Map.of(property, sample[0]));
      String key = isPerCache(option) ? option.replace("<name>", "orders.*") : option;
      assertEquals(sample[1], provider.getProperty(key), property + " -> " + key + ": " + provider);
      assertEquals(1, provider.size(), property + " sets only " + key + ": " + provider);
    }
  }

  private static String perCacheType(String option) {
    return switch (perCacheKey(option)) {
      case "load-lease" -> "java.time.Duration";
      case "statistics", "management" -> "java.lang.Boolean";
      default -> "java.lang.String";
    };
  }

  /** A value of the property's type as written, and as the provider must receive it. */
  private static String[] sample(String type) {
    return switch (type) {
      case "java.time.Duration" -> new String[] {"2s", "2000"};
      case "java.lang.Integer" -> new String[] {"7", "7"};
      case "java.lang.Boolean" -> new String[] {"true", "true"};
      case "dev.memjcache.config.FailureMode" -> new String[] {"DEGRADE", "degrade"};
      case "dev.memjcache.config.AsyncCompletion" -> new String[] {"inline", "inline"};
      case "java.util.List<java.lang.String>" -> new String[] {"a.b, c.d", "a.b,c.d"};
      default -> new String[] {"sample-value", "sample-value"};
    };
  }

  static Properties bind(Map<String, String> values) {
    MemJCacheProperties bound =
        new Binder(new MapConfigurationPropertySource(values))
            .bindOrCreate(MemJCacheProperties.PREFIX, Bindable.of(MemJCacheProperties.class));
    return ProviderOptions.of(bound);
  }
}
