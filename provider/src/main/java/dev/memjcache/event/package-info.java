/**
 * Entry listener event dispatch (JSR-107 chapter 8, "Cache Entry Listeners").
 *
 * <p>{@link dev.memjcache.event.EventDispatcher} is the one place that publishes {@link
 * javax.cache.event.CacheEntryEvent}s for a cache. Events are JVM-local: they report mutations made
 * through this JVM and expiries this JVM observed, never changes other JVMs made in memcached.
 */
package dev.memjcache.event;
