/**
 * JSR-107 chapter 12 management: per-JVM cache statistics ({@link
 * dev.memjcache.management.CacheStatistics}, recorded through {@link
 * dev.memjcache.management.StatisticsRecorder}), the configuration MXBean ({@link
 * dev.memjcache.management.CacheConfigurationMXBean}) and their registration in the platform
 * MBeanServer ({@link dev.memjcache.management.MBeanRegistrar}).
 */
package dev.memjcache.management;
