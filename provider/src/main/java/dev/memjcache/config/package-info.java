/**
 * Settings of a CacheManager, parsed from its URI ({@code memcached://}, {@code file:} or {@code
 * classpath:}) and the Properties passed to {@code CachingProvider.getCacheManager} (DESIGN.md
 * "Configuration"). Entry point: {@link dev.memjcache.config.SettingsParser}; result: the immutable
 * {@link dev.memjcache.config.MemJCacheSettings}.
 */
package dev.memjcache.config;
