/**
 * Codecs between JSR-107 keys/values and memcached items: {@link dev.memjcache.codec.KeyCodec}
 * (item keys), {@link dev.memjcache.codec.EnvelopeCodec} (item bytes and flags), {@link
 * dev.memjcache.codec.ValueSerializer} (Kryo 5 with an allowlist, {@link
 * dev.memjcache.codec.ClassAllowlist}). See DESIGN.md "Storage model" and "Serialization and
 * security".
 */
package dev.memjcache.codec;
