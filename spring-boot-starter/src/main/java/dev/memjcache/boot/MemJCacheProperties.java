package dev.memjcache.boot;

import dev.memjcache.config.AsyncCompletion;
import dev.memjcache.config.FailureMode;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * MemJCache's options as Spring Boot properties under {@code memjcache.*}: each provider option of
 * docs/configuration.md under its kebab-case name ({@code operationTimeoutMillis} is {@code
 * memjcache.operation-timeout-millis}), bound with relaxed binding from {@code
 * application.properties}, YAML or the environment ({@code MEMJCACHE_SERVERS}, {@code
 * MEMJCACHE_PASSWORD}).
 *
 * <p>Every field is null until set: only the options the application sets are handed to the
 * provider (by {@link MemJCacheAutoConfiguration}), so a properties file named by {@code
 * spring.cache.jcache.config} keeps its own values for the rest, and the provider's defaults apply
 * otherwise (listed in the generated metadata and in docs/configuration.md).
 *
 * <p>{@link #toString()} never shows a password.
 */
@ConfigurationProperties(prefix = MemJCacheProperties.PREFIX)
public class MemJCacheProperties extends MemJCacheConnectionProperties {

  /** The prefix of every MemJCache property: {@value}. */
  public static final String PREFIX = "memjcache";

  /**
   * memcached servers, host:port (port 11211 when left out, IPv6 literals bracketed as
   * [::1]:11211), comma-separated or a YAML list. Without it the provider's default applies: the
   * system property memjcache.servers, else 127.0.0.1:11211.
   */
  private List<String> servers;

  /**
   * Packages whose classes may be deserialized from memcached besides JDK value types and the
   * caches' configured key and value types (usually the application's model packages).
   */
  private List<String> allowPackages;

  /**
   * What the caller sees when memcached fails: 'fail' throws CacheException, 'degrade' turns reads
   * into misses and drops writes, counted and logged at a bounded rate (for Hibernate's
   * second-level cache, which does not catch cache errors).
   */
  private FailureMode failureMode;

  /**
   * Longest time one memcached command may take (a dead server fails within it); a number is
   * milliseconds, or 500ms, 2s.
   */
  @DurationUnit(ChronoUnit.MILLIS)
  private Duration operationTimeoutMillis;

  /**
   * How long a new CacheManager waits for its connections; a number is milliseconds, or 500ms, 2s.
   */
  @DurationUnit(ChronoUnit.MILLIS)
  private Duration connectTimeoutMillis;

  /** First segment of every memcached key: 1 to 32 printable ASCII characters without ':'. */
  private String keyPrefix;

  /**
   * Consecutive timeouts or connection failures after which a server is marked down; its keys then
   * fail (or miss) at once, without waiting for the timeout.
   */
  private Integer serverFailureLimit;

  /**
   * How long a server stays marked down before a probe may bring it back; a number is milliseconds,
   * or 500ms, 2s.
   */
  @DurationUnit(ChronoUnit.MILLIS)
  private Duration serverRetryMillis;

  /**
   * Longest wait between reconnect attempts to a server whose connection was lost, whole seconds.
   */
  private Integer reconnectDelaySeconds;

  /**
   * How often a JVM re-reads a cache's generation, so that it sees another JVM's clear() within
   * this interval; a number is milliseconds, or 500ms, 2s.
   */
  @DurationUnit(ChronoUnit.MILLIS)
  private Duration generationRefreshMillis;

  /**
   * Operations of the manager's asynchronous views (AsyncCache) in flight at once, 1 to 1000000; a
   * call beyond it fails at once and sends nothing.
   */
  private Integer maxAsyncOperations;

  /**
   * Where a stage of an asynchronous view completes after a memcached answer: 'thread' on the
   * manager's completion thread, 'inline' on spymemcached's I/O thread (only when continuations
   * attached without an executor never block).
   */
  private AsyncCompletion asyncCompletion;

  /** Seconds added to the memcached exptime beyond an entry's expiry, 0 to 3600. */
  private Integer exptimeMarginSeconds;

  /** SASL user for servers started with memcached -S (SASL PLAIN, binary protocol). */
  private String username;

  /**
   * SASL password of the username; set it from the environment (MEMJCACHE_PASSWORD) or a secret
   * store. Masked in /actuator/env and /actuator/configprops, never logged.
   */
  private String password;

  /**
   * Whether a cache that @Cacheable (or another Spring cache annotation) names and that does not
   * exist yet is created on first use (with the context's javax.cache Configuration bean, else an
   * eternal MutableConfiguration); false makes an unknown cache name an error, as in plain Spring
   * Boot. A starter setting, not a provider option.
   */
  private boolean createMissingCaches = true;

  /**
   * Defaults for caches created with the default eternal policy (as Hibernate creates its regions
   * and Spring Boot its spring.cache.cache-names), by exact cache name or by a pattern in which *
   * stands for any run of characters: keys expiry (created|accessed|modified|touched:n(ms|s|m|h|d),
   * or eternal), statistics and management (true or false), load-lease (a duration of at most 1h,
   * the load lease across JVMs). Write names with dots or * in brackets:
   * memjcache.caches[orders.*].expiry=created:10m.
   */
  private Map<String, CacheOptions> caches = new LinkedHashMap<>();

  /**
   * The servers, or null when not set.
   *
   * @return the servers as {@code host[:port]} strings
   */
  public List<String> getServers() {
    return servers;
  }

  /**
   * Sets the servers.
   *
   * @param servers {@code host[:port]} strings
   */
  public void setServers(List<String> servers) {
    this.servers = servers == null ? null : new ArrayList<>(servers);
  }

  /**
   * The allowed packages, or null when not set.
   *
   * @return package names
   */
  public List<String> getAllowPackages() {
    return allowPackages;
  }

  /**
   * Sets the allowed packages.
   *
   * @param allowPackages package names
   */
  public void setAllowPackages(List<String> allowPackages) {
    this.allowPackages = allowPackages == null ? null : new ArrayList<>(allowPackages);
  }

  /**
   * The failure mode, or null when not set.
   *
   * @return the failure mode
   */
  public FailureMode getFailureMode() {
    return failureMode;
  }

  /**
   * Sets the failure mode.
   *
   * @param failureMode the failure mode
   */
  public void setFailureMode(FailureMode failureMode) {
    this.failureMode = failureMode;
  }

  /**
   * The operation timeout, or null when not set.
   *
   * @return the operation timeout
   */
  public Duration getOperationTimeoutMillis() {
    return operationTimeoutMillis;
  }

  /**
   * Sets the operation timeout.
   *
   * @param operationTimeoutMillis the operation timeout
   */
  public void setOperationTimeoutMillis(Duration operationTimeoutMillis) {
    this.operationTimeoutMillis = operationTimeoutMillis;
  }

  /**
   * The connect timeout, or null when not set.
   *
   * @return the connect timeout
   */
  public Duration getConnectTimeoutMillis() {
    return connectTimeoutMillis;
  }

  /**
   * Sets the connect timeout.
   *
   * @param connectTimeoutMillis the connect timeout
   */
  public void setConnectTimeoutMillis(Duration connectTimeoutMillis) {
    this.connectTimeoutMillis = connectTimeoutMillis;
  }

  /**
   * The key prefix, or null when not set.
   *
   * @return the key prefix
   */
  public String getKeyPrefix() {
    return keyPrefix;
  }

  /**
   * Sets the key prefix.
   *
   * @param keyPrefix the key prefix
   */
  public void setKeyPrefix(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  /**
   * The server failure limit, or null when not set.
   *
   * @return consecutive failures
   */
  public Integer getServerFailureLimit() {
    return serverFailureLimit;
  }

  /**
   * Sets the server failure limit.
   *
   * @param serverFailureLimit consecutive failures
   */
  public void setServerFailureLimit(Integer serverFailureLimit) {
    this.serverFailureLimit = serverFailureLimit;
  }

  /**
   * The server retry interval, or null when not set.
   *
   * @return the interval
   */
  public Duration getServerRetryMillis() {
    return serverRetryMillis;
  }

  /**
   * Sets the server retry interval.
   *
   * @param serverRetryMillis the interval
   */
  public void setServerRetryMillis(Duration serverRetryMillis) {
    this.serverRetryMillis = serverRetryMillis;
  }

  /**
   * The longest reconnect delay, or null when not set.
   *
   * @return whole seconds
   */
  public Integer getReconnectDelaySeconds() {
    return reconnectDelaySeconds;
  }

  /**
   * Sets the longest reconnect delay.
   *
   * @param reconnectDelaySeconds whole seconds
   */
  public void setReconnectDelaySeconds(Integer reconnectDelaySeconds) {
    this.reconnectDelaySeconds = reconnectDelaySeconds;
  }

  /**
   * The generation refresh interval, or null when not set.
   *
   * @return the interval
   */
  public Duration getGenerationRefreshMillis() {
    return generationRefreshMillis;
  }

  /**
   * Sets the generation refresh interval.
   *
   * @param generationRefreshMillis the interval
   */
  public void setGenerationRefreshMillis(Duration generationRefreshMillis) {
    this.generationRefreshMillis = generationRefreshMillis;
  }

  /**
   * The asynchronous operations limit, or null when not set.
   *
   * @return operations in flight at once
   */
  public Integer getMaxAsyncOperations() {
    return maxAsyncOperations;
  }

  /**
   * Sets the asynchronous operations limit.
   *
   * @param maxAsyncOperations operations in flight at once
   */
  public void setMaxAsyncOperations(Integer maxAsyncOperations) {
    this.maxAsyncOperations = maxAsyncOperations;
  }

  /**
   * Where asynchronous stages complete, or null when not set.
   *
   * @return the choice
   */
  public AsyncCompletion getAsyncCompletion() {
    return asyncCompletion;
  }

  /**
   * Sets where asynchronous stages complete.
   *
   * @param asyncCompletion the choice
   */
  public void setAsyncCompletion(AsyncCompletion asyncCompletion) {
    this.asyncCompletion = asyncCompletion;
  }

  /**
   * The exptime margin, or null when not set.
   *
   * @return whole seconds
   */
  public Integer getExptimeMarginSeconds() {
    return exptimeMarginSeconds;
  }

  /**
   * Sets the exptime margin.
   *
   * @param exptimeMarginSeconds whole seconds
   */
  public void setExptimeMarginSeconds(Integer exptimeMarginSeconds) {
    this.exptimeMarginSeconds = exptimeMarginSeconds;
  }

  /**
   * The SASL user, or null when not set.
   *
   * @return the user name
   */
  public String getUsername() {
    return username;
  }

  /**
   * Sets the SASL user.
   *
   * @param username the user name
   */
  public void setUsername(String username) {
    this.username = username;
  }

  /**
   * The SASL password, or null when not set.
   *
   * @return the password
   */
  public String getPassword() {
    return password;
  }

  /**
   * Sets the SASL password.
   *
   * @param password the password
   */
  public void setPassword(String password) {
    this.password = password;
  }

  /**
   * Whether missing caches are created on first use.
   *
   * @return true by default
   */
  public boolean isCreateMissingCaches() {
    return createMissingCaches;
  }

  /**
   * Sets whether missing caches are created on first use.
   *
   * @param createMissingCaches false to make unknown cache names an error
   */
  public void setCreateMissingCaches(boolean createMissingCaches) {
    this.createMissingCaches = createMissingCaches;
  }

  /**
   * The per-cache defaults by cache name or pattern; never null.
   *
   * @return a mutable map, in binding order
   */
  public Map<String, CacheOptions> getCaches() {
    return caches;
  }

  /**
   * Sets the per-cache defaults.
   *
   * @param caches by cache name or pattern
   */
  public void setCaches(Map<String, CacheOptions> caches) {
    this.caches = caches == null ? new LinkedHashMap<>() : new LinkedHashMap<>(caches);
  }

  /** The properties that are set, with every password shown as {@code (hidden)}. */
  @Override
  public String toString() {
    return "MemJCacheProperties" + ProviderOptions.describe(this);
  }
}
