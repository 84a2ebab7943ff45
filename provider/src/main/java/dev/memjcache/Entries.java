package dev.memjcache;

import dev.memjcache.codec.ClassNotAllowedException;
import dev.memjcache.codec.EncodedKey;
import dev.memjcache.codec.Envelope;
import dev.memjcache.codec.EnvelopeCodec;
import dev.memjcache.codec.KeyCodec;
import dev.memjcache.codec.SerializationException;
import dev.memjcache.codec.ValueSerializer;
import dev.memjcache.expiry.ExpiryDecider;
import dev.memjcache.store.CasOutcome;
import dev.memjcache.store.GenerationTracker;
import dev.memjcache.store.MemcachedStore;
import dev.memjcache.store.StoreItem;
import dev.memjcache.support.RateLimitedLog;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import net.spy.memcached.CachedData;
import org.slf4j.LoggerFactory;

/**
 * One cache's typed view of memcached: turns keys into item keys (generation + key codec), values
 * into envelopes and back, and offers the reads and conditional writes the operations are built
 * from. Every write computes its memcached exptime from the envelope's expiry through the
 * {@link ExpiryDecider}. Thread-safe.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class Entries<K, V> {

  private static final RateLimitedLog INVALID =
      new RateLimitedLog(LoggerFactory.getLogger(Entries.class), 10_000);

  private final MemcachedStore store;
  private final KeyCodec keys;
  private final EnvelopeCodec envelopes;
  private final ValueSerializer serializer;
  private final GenerationTracker generations;
  private final ExpiryDecider expiry;
  private final ClassRefusals refusals;

  Entries(MemcachedStore store, KeyCodec keys, ValueSerializer serializer,
      GenerationTracker generations, ExpiryDecider expiry, ClassRefusals refusals) {
    this.store = store;
    this.refusals = refusals;
    this.keys = keys;
    this.serializer = serializer;
    this.envelopes = new EnvelopeCodec(serializer);
    this.generations = generations;
    this.expiry = expiry;
  }

  /** The refused-class reads of this cache. */
  ClassRefusals refusals() {
    return refusals;
  }

  KeyCodec keyCodec() {
    return keys;
  }

  MemcachedStore store() {
    return store;
  }

  long generation() {
    return generations.current();
  }

  /** {@code clear()}: moves to a new generation. */
  void advanceGeneration() {
    generations.advance();
  }

  /** The key of the load lease item of the entry {@code slot} was read from. */
  String leaseKey(Slot<K, V> slot) {
    return keys.leaseKey(generations.current(), slot.encodedKey);
  }

  /** memcached {@code gets} of one entry. */
  Slot<K, V> read(K key, long now) {
    EncodedKey encoded = keys.encode(key);
    String itemKey = keys.itemKey(generations.current(), encoded);
    return slot(key, itemKey, encoded, store.gets(itemKey), now);
  }

  /**
   * One multi-get for many entries (one batch per server), in the order of {@code keyList}. The
   * slots carry no CAS unique: a conditional write must re-read with {@link #read}.
   */
  List<Slot<K, V>> readAll(Collection<? extends K> keyList, long now) {
    long generation = generations.current();
    int size = keyList.size();
    List<K> keyOrder = new ArrayList<>(size);
    EncodedKey[] encoded = new EncodedKey[size];
    List<String> itemKeys = new ArrayList<>(size);
    for (K key : keyList) {
      EncodedKey e = keys.encode(key);
      encoded[keyOrder.size()] = e;
      keyOrder.add(key);
      itemKeys.add(keys.itemKey(generation, e));
    }
    Map<String, CachedData> items = store.getBulk(itemKeys);
    List<Slot<K, V>> slots = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      String itemKey = itemKeys.get(i);
      slots.add(slot(keyOrder.get(i), itemKey, encoded[i], item(itemKey, items.get(itemKey)), now));
    }
    return slots;
  }

  /**
   * Slots for items found by enumeration (keys already known to be of the current generation):
   * multi-get, then recover each key from its item key or envelope.
   */
  List<Slot<K, V>> readItems(List<String> itemKeys, long generation, long now) {
    Map<String, CachedData> items = store.getBulk(itemKeys);
    List<Slot<K, V>> slots = new ArrayList<>(items.size());
    for (String itemKey : itemKeys) {
      StoreItem item = item(itemKey, items.get(itemKey));
      if (item == null) {
        continue;
      }
      String part = keys.partOf(itemKey, generation);
      if (part == null) {
        continue;
      }
      K key = recoverKey(itemKey, part, item);
      if (key != null) {
        slots.add(slot(key, itemKey, keys.encode(key), item, now));
      }
    }
    return slots;
  }

  private static StoreItem item(String itemKey, CachedData data) {
    return data == null ? null : new StoreItem(itemKey, data.getData(), data.getFlags(), 0);
  }

  @SuppressWarnings("unchecked")
  private K recoverKey(String itemKey, String part, StoreItem item) {
    if (!keys.isHashedPart(part)) {
      return (K) keys.decodePlainPart(part);
    }
    Envelope envelope = envelopes.decode(item.flags(), item.data());
    if (envelope == null || envelope.serializedKey() == null) {
      INVALID.warn("memcached item {} is not a MemJCache envelope; skipped", itemKey);
      return null;
    }
    byte[] serialized = envelope.serializedKey();
    try {
      return (K) serializer.deserialize(serialized, 0, serialized.length);
    } catch (ClassNotAllowedException e) {
      refusals.refused(itemKey, e); // skipped by iteration; clear() or a put of the key removes it
      return null;
    } catch (SerializationException e) {
      INVALID.warn("memcached item {} holds an unreadable key ({}); skipped", itemKey, e.toString());
      return null;
    }
  }

  @SuppressWarnings("unchecked")
  private Slot<K, V> slot(K key, String itemKey, EncodedKey encoded, StoreItem item, long now) {
    if (item == null) {
      return new Slot<>(key, itemKey, encoded, null, null, Slot.State.ABSENT, null);
    }
    Envelope envelope = envelopes.decode(item.flags(), item.data());
    if (envelope == null || !envelope.keyMatches(encoded.serializedKey())) {
      INVALID.warn("memcached item {} is not a MemJCache entry for this key (flags {}, {} bytes);"
          + " read as a miss", itemKey, item.flags(), item.data().length);
      return new Slot<>(key, itemKey, encoded, item, null, Slot.State.ABSENT, null);
    }
    if (envelope.isExpiredAt(now)) {
      return new Slot<>(key, itemKey, encoded, item, envelope, Slot.State.EXPIRED, null);
    }
    V value;
    try {
      value = (V) envelope.value();
    } catch (ClassNotAllowedException e) {
      // planted or misconfigured: a miss that keeps the item, so a put overwrites it (cas) and a
      // remove deletes it
      refusals.refused(itemKey, e);
      return new Slot<>(key, itemKey, encoded, item, null, Slot.State.ABSENT, null);
    } catch (SerializationException e) {
      INVALID.warn("memcached item {} holds an unreadable value ({}); read as a miss", itemKey,
          e.toString());
      return new Slot<>(key, itemKey, encoded, item, null, Slot.State.ABSENT, null);
    }
    return new Slot<>(key, itemKey, encoded, item, envelope, Slot.State.PRESENT, value);
  }

  /**
   * Creates the entry where {@code slot} found none: {@code add} when there was no item, else
   * {@code cas} over the expired or foreign item.
   *
   * @return false when someone else wrote the key first
   */
  boolean create(Slot<K, V> slot, V value, long expiresAt, long now) {
    byte[] data = envelopes.encode(expiresAt, slot.encodedKey.serializedKey(), value);
    int exptime = expiry.exptime(expiresAt, now);
    if (slot.item == null) {
      return store.add(slot.itemKey, exptime, EnvelopeCodec.FLAGS, data);
    }
    return store.cas(slot.itemKey, slot.item.cas(), exptime, EnvelopeCodec.FLAGS, data)
        == CasOutcome.STORED;
  }

  /** {@code add} without a prior read. @return false when an item exists. */
  boolean add(K key, V value, long expiresAt, long now) {
    EncodedKey encoded = keys.encode(key);
    byte[] data = envelopes.encode(expiresAt, encoded.serializedKey(), value);
    return store.add(keys.itemKey(generations.current(), encoded), expiry.exptime(expiresAt, now),
        EnvelopeCodec.FLAGS, data);
  }

  /** Replaces the entry {@code slot} read, if unchanged ({@code cas}). */
  boolean update(Slot<K, V> slot, V value, long expiresAt, long now) {
    byte[] data = envelopes.encode(expiresAt, slot.encodedKey.serializedKey(), value);
    return store.cas(slot.itemKey, slot.item.cas(), expiry.exptime(expiresAt, now),
        EnvelopeCodec.FLAGS, data) == CasOutcome.STORED;
  }

  /**
   * Gives the entry {@code slot} read a new expiry without re-serializing its value ({@code cas});
   * an expiry already past deletes it instead.
   *
   * @return false when the item changed since the read
   */
  boolean touch(Slot<K, V> slot, long expiresAt, long now) {
    if (slot.item.cas() == 0) {
      Slot<K, V> fresh = slot(slot.key, slot.itemKey, slot.encodedKey, store.gets(slot.itemKey),
          now);
      return fresh.isPresent() && touch(fresh, expiresAt, now);
    }
    byte[] data = envelopes.withExpiry(slot.envelope.bytes(), expiresAt);
    return store.cas(slot.itemKey, slot.item.cas(), expiry.exptime(expiresAt, now),
        EnvelopeCodec.FLAGS, data) == CasOutcome.STORED;
  }

  /** Deletes the item {@code slot} read, if unchanged (delete with CAS). */
  boolean delete(Slot<K, V> slot) {
    if (slot.item == null) {
      return false;
    }
    return slot.item.cas() == 0 ? store.delete(slot.itemKey)
        : store.delete(slot.itemKey, slot.item.cas());
  }

  /** Blind {@code set} (the put fast path). */
  void put(K key, V value, long expiresAt, long now) {
    EncodedKey encoded = keys.encode(key);
    byte[] data = envelopes.encode(expiresAt, encoded.serializedKey(), value);
    store.set(keys.itemKey(generations.current(), encoded), expiry.exptime(expiresAt, now),
        EnvelopeCodec.FLAGS, data);
  }

  /** Pipelined blind {@code set}s. */
  void putAll(Map<? extends K, ? extends V> entries, long expiresAt, long now) {
    long generation = generations.current();
    int exptime = expiry.exptime(expiresAt, now);
    List<MemcachedStore.Write> writes = new ArrayList<>(entries.size());
    entries.forEach((key, value) -> {
      EncodedKey encoded = keys.encode(key);
      writes.add(new MemcachedStore.Write(keys.itemKey(generation, encoded), exptime,
          EnvelopeCodec.FLAGS, envelopes.encode(expiresAt, encoded.serializedKey(), value)));
    });
    store.setAll(writes);
  }

  /** Blind {@code delete}. */
  void deleteBlind(K key) {
    store.delete(keys.itemKey(generations.current(), keys.encode(key)));
  }
}
