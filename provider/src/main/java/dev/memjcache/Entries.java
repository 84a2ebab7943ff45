package dev.memjcache;

import dev.memjcache.codec.ClassNotAllowedException;
import dev.memjcache.codec.EncodedEntry;
import dev.memjcache.codec.EncodedKey;
import dev.memjcache.codec.Envelope;
import dev.memjcache.codec.EnvelopeCodec;
import dev.memjcache.codec.FrameworkTypes;
import dev.memjcache.codec.KeyCodec;
import dev.memjcache.codec.SerializationException;
import dev.memjcache.codec.ValueSerializer;
import dev.memjcache.expiry.ExpiryDecider;
import dev.memjcache.store.BulkCommands;
import dev.memjcache.store.CasOutcome;
import dev.memjcache.store.DependentCaches;
import dev.memjcache.store.EntryRouting;
import dev.memjcache.store.GenerationTracker;
import dev.memjcache.store.ItemTooLargeException;
import dev.memjcache.store.MemcachedStore;
import dev.memjcache.store.MetadumpKeyEnumerator;
import dev.memjcache.store.StoreFailureException;
import dev.memjcache.store.StoreItem;
import dev.memjcache.support.RateLimitedLog;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import net.spy.memcached.MemcachedNode;
import org.slf4j.LoggerFactory;

/**
 * One cache's typed view of memcached: turns keys into item keys (the generation of the server the
 * key lives on + key codec), values into envelopes and back, and offers the reads and conditional
 * writes the operations are built from. Every write computes its memcached exptime from the
 * envelope's expiry through the {@link ExpiryDecider}. A write that fails or is dropped marks its
 * server dirty for this cache ({@link GenerationTracker#markDirty}), so the entry it should have
 * replaced cannot be read once the server is back. The first value stored or read that makes the
 * cache depend on other caches' writes ({@link FrameworkTypes#isDependentValue}, Hibernate's query
 * results) registers the cache with the manager's {@link DependentCaches}. Thread-safe.
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
  private final DependentCaches dependents;

  /** The key index behind a proxy ({@link KeyIndex}); {@link KeyIndex#NONE} otherwise. */
  private final KeyIndex index;

  /** Whether this cache is registered with {@link #dependents}; checked once per value. */
  private volatile boolean dependent;

  /**
   * The value class last found not to be dependent, so the name check runs once per class (most
   * caches hold one value class). A racy cache of an immutable reference: a stale read only repeats
   * the check.
   */
  private Class<?> independentClass;

  private final BulkEntries<K, V> bulk;

  /** Routes entries from their key parts: the one routing of single-key and bulk calls alike. */
  private final EntryRouting routing;

  /** {@code <prefix>:<cache>:} ({@link KeyCodec#cachePrefix}), the part routing hashes first. */
  private final String cachePrefix;

  Entries(
      MemcachedStore store,
      KeyCodec keys,
      ValueSerializer serializer,
      GenerationTracker generations,
      ExpiryDecider expiry,
      ClassRefusals refusals,
      DependentCaches dependents,
      KeyIndex index) {
    this.store = store;
    this.index = index;
    this.dependents = dependents;
    this.refusals = refusals;
    this.keys = keys;
    this.serializer = serializer;
    this.envelopes = new EnvelopeCodec(serializer);
    this.generations = generations;
    this.expiry = expiry;
    this.bulk = new BulkEntries<>(this);
    this.routing = store.routing();
    this.cachePrefix = keys.cachePrefix();
  }

  /** The multi-get and pipelined {@code set}s of this cache's entries. */
  BulkEntries<K, V> bulk() {
    return bulk;
  }

  /** The refused-class reads of this cache. */
  ClassRefusals refusals() {
    return refusals;
  }

  KeyCodec keyCodec() {
    return keys;
  }

  /** The key index of this cache, {@link KeyIndex#NONE} when it keeps none. */
  KeyIndex keyIndex() {
    return index;
  }

  MemcachedStore store() {
    return store;
  }

  /** {@code clear()}: a new generation on every reachable server. */
  List<MemcachedNode> advanceGeneration() {
    return generations.clear();
  }

  /** The item key of {@code encoded}: the generation of the server it hashes to (may read it). */
  String itemKey(EncodedKey encoded) {
    return itemKey(encoded, true);
  }

  /** The cache's generation on {@code node} (may read it, {@link GenerationTracker#generation}). */
  long generation(MemcachedNode node) {
    return generations.generation(node);
  }

  /**
   * The item key of {@code encoded} when its server's generation is known without reading it, else
   * null; routed like {@link #itemKey(EncodedKey)} (one hash for the routing and the item key).
   */
  String knownItemKey(EncodedKey encoded) {
    return itemKey(encoded, false);
  }

  /**
   * The item key of {@code encoded} in its server's generation, reading that generation when {@code
   * read} and it is not known; else null when it is not known.
   */
  private String itemKey(EncodedKey encoded, boolean read) {
    long hash = hash(encoded);
    MemcachedNode node = routing.node(hash, cachePrefix, encoded.part());
    long generation = read ? generations.generation(node) : generations.knownGeneration(node);
    return generation < 0 ? null : routedItemKey(generation, encoded, hash);
  }

  /** The server the entry of {@code encoded} lives on. */
  MemcachedNode nodeOf(EncodedKey encoded) {
    return routing.node(hash(encoded), cachePrefix, encoded.part());
  }

  /** The entry's routing hash, from its key part ({@link EntryRouting}: one MD5, no key string). */
  private long hash(EncodedKey encoded) {
    return routing.hash(cachePrefix, encoded.part());
  }

  /**
   * The item key of {@code encoded} in {@code generation}, recorded as routed with {@code hash}, so
   * spymemcached's routing of the command takes that hash by identity.
   */
  private String routedItemKey(long generation, EncodedKey encoded, long hash) {
    String itemKey = keys.itemKey(generation, encoded);
    routing.sending(itemKey, hash);
    return itemKey;
  }

  /**
   * The routing hash of {@code itemKey}, which this thread just routed ({@link #knownItemKey}): a
   * memo hit, to hand to the thread that sends the entry's next command ({@link #sending}).
   */
  long routedHash(String itemKey) {
    return routing.hashOf(itemKey);
  }

  /**
   * Records on this thread that {@code itemKey} routes with {@code hash} ({@link #routedHash} of
   * another thread), so the commands this thread sends for it take the hash by identity.
   */
  void sending(String itemKey, long hash) {
    routing.sending(itemKey, hash);
  }

  /** The item key of {@code encoded} in {@code generation}. */
  String itemKey(long generation, EncodedKey encoded) {
    return keys.itemKey(generation, encoded);
  }

  /** Marks {@code node} dirty for this cache: a write to it was dropped. */
  void markDirty(MemcachedNode node) {
    generations.markDirty(node);
  }

  /** The envelope of {@code value} for the entry of {@code encoded}; registers dependent values. */
  EncodedEntry encode(long expiresAt, EncodedKey encoded, V value) {
    observe(value);
    return envelopes.encode(expiresAt, encoded.serializedKey(), value);
  }

  /** The envelope {@code slot} read with a new expiry, its value bytes unchanged. */
  EncodedEntry withExpiry(Slot<K, V> slot, long expiresAt) {
    return envelopes.withExpiry(slot.envelope, expiresAt);
  }

  /**
   * The memcached exptime of an entry expiring at {@code expiresAt} (epoch ms), written at {@code
   * now}.
   */
  int exptime(long expiresAt, long now) {
    return expiry.exptime(expiresAt, now);
  }

  /**
   * Checks the item size of {@code data} under {@code itemKey}.
   *
   * @throws ItemTooLargeException when the item would exceed the servers' {@code item_size_max}
   */
  void checkSize(String itemKey, EncodedEntry data) {
    store.itemSizeLimit().check(itemKey, data.flags(), data.bytes().length);
  }

  /** The key of the load lease item of the entry {@code slot} was read from. */
  String leaseKey(Slot<K, V> slot) {
    return keys.leaseKey(generations.generation(nodeOf(slot.encodedKey)), slot.encodedKey);
  }

  /**
   * Encodes {@code value} for {@code key} and checks the item size, sending nothing: what a write
   * would refuse ({@link ClassNotAllowedException}, {@link ItemTooLargeException}) is refused here,
   * so write-through can run before memcached is changed without writing a value memcached never
   * gets. When the key's server is down the size is checked against the key without generation
   * digits (the write then fails anyway).
   *
   * @throws ClassNotAllowedException when the key or value names a class the allowlist refuses
   * @throws ItemTooLargeException when the item would exceed the servers' {@code item_size_max}
   */
  void checkStorable(K key, V value) {
    EncodedKey encoded = keys.encode(key);
    // the smallest form (an eternal entry's): a write with an expiry checks its own size again
    EncodedEntry data = envelopes.encode(EnvelopeCodec.ETERNAL, encoded.serializedKey(), value);
    String itemKey;
    try {
      itemKey = itemKey(encoded);
    } catch (StoreFailureException down) {
      itemKey = keys.routingKey(encoded);
    }
    store.itemSizeLimit().check(itemKey, data.flags(), data.bytes().length);
  }

  /** memcached {@code gets} of one entry. */
  Slot<K, V> read(K key, long now) {
    EncodedKey encoded = keys.encode(key);
    String itemKey = itemKey(encoded);
    return slot(key, itemKey, encoded, store.gets(itemKey), now);
  }

  /**
   * The item keys of this cache's current entries, listed by {@code lru_crawler metadump} server by
   * server, each with that server's generation, or behind a proxy by the {@link KeyIndex} of the
   * cache's generation. A server that is down or fails is reported to {@code onFailure} and
   * skipped.
   */
  List<String> enumerate(
      MetadumpKeyEnumerator enumerator, Consumer<StoreFailureException> onFailure) {
    Set<String> found = new LinkedHashSet<>();
    for (MemcachedNode node : store.nodes()) {
      long generation;
      try {
        generation = generations.generation(node);
      } catch (StoreFailureException e) {
        onFailure.accept(e);
        continue;
      }
      found.addAll(
          index.isActive()
              ? index.itemKeys(generation, onFailure)
              : enumerator.keysOnServer(
                  (InetSocketAddress) node.getSocketAddress(), keys.keyPrefix(generation)));
    }
    return new ArrayList<>(found);
  }

  /**
   * Slots for items found by enumeration: multi-get, then recover each key from its item key or
   * envelope. Items of servers that fail are reported to {@code onFailure} and skipped.
   */
  List<Slot<K, V>> readItems(
      List<String> itemKeys, long now, Consumer<StoreFailureException> onFailure) {
    BulkCommands.BulkRead read = store.bulk().getBulk(itemKeys);
    if (read.failure() != null) {
      onFailure.accept(read.failure());
    }
    List<Slot<K, V>> slots = new ArrayList<>(itemKeys.size());
    for (int i = 0; i < itemKeys.size(); i++) {
      byte[] data = read.data(i);
      if (data == null) {
        continue;
      }
      String itemKey = itemKeys.get(i);
      StoreItem item = new StoreItem(itemKey, data, read.flags(i), 0);
      String part = keys.partOf(itemKey);
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

  /**
   * Runs a write to {@code itemKey}; when it fails (server down, timeout, refusal) the server is
   * marked dirty for this cache before the failure goes on to the failure mode.
   */
  private <T> T write(String itemKey, Supplier<T> command) {
    try {
      return command.get();
    } catch (ItemTooLargeException e) {
      throw e;
    } catch (StoreFailureException e) {
      generations.markDirty(store.nodeFor(itemKey));
      throw e;
    }
  }

  /**
   * Runs a write to the item of {@code encoded} in its server's generation; when the generation
   * cannot be read or the write fails, the server is marked dirty for this cache.
   */
  private <T> T writeTo(EncodedKey encoded, Function<String, T> command) {
    long hash = hash(encoded);
    MemcachedNode node = routing.node(hash, cachePrefix, encoded.part());
    try {
      return command.apply(routedItemKey(generations.generation(node), encoded, hash));
    } catch (ItemTooLargeException e) {
      throw e;
    } catch (StoreFailureException e) {
      generations.markDirty(node);
      throw e;
    }
  }

  /**
   * Registers this cache as dependent when {@code value} is of a dependent type (the first time
   * only).
   *
   * @return true when writes had been dropped before the registration: a value just read must then
   *     be taken as a miss
   */
  boolean observe(Object value) {
    if (dependent || value == null) {
      return false;
    }
    Class<?> type = value.getClass();
    if (type == independentClass) {
      return false;
    }
    if (!FrameworkTypes.isDependentValue(type)) {
      independentClass = type;
      return false;
    }
    dependent = true;
    LoggerFactory.getLogger(Entries.class)
        .debug(
            "{}: the cache holds query results, invalidated after any dropped write",
            keys.generationKey());
    return dependents.register(generations);
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
      INVALID.warn(
          "memcached item {} holds an unreadable key ({}); skipped", itemKey, e.toString());
      return null;
    }
  }

  /**
   * What {@code item} (or its absence) under {@code itemKey} means for {@code key} at {@code now}.
   */
  @SuppressWarnings("unchecked")
  Slot<K, V> slot(K key, String itemKey, EncodedKey encoded, StoreItem item, long now) {
    if (item == null) {
      return new Slot<>(key, itemKey, encoded, null, null, Slot.State.ABSENT, null);
    }
    Envelope envelope = envelopes.decode(item.flags(), item.data());
    if (envelope == null || !envelope.keyMatches(encoded.serializedKey())) {
      INVALID.warn(
          "memcached item {} is not a MemJCache entry for this key (flags {}, {} bytes);"
              + " read as a miss",
          itemKey,
          item.flags(),
          item.data().length);
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
      INVALID.warn(
          "memcached item {} holds an unreadable value ({}); read as a miss",
          itemKey,
          e.toString());
      return new Slot<>(key, itemKey, encoded, item, null, Slot.State.ABSENT, null);
    }
    if (!dependent && observe(value)) {
      // a write dropped before this cache was known to depend on it may have made it stale
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
    observe(value);
    EncodedEntry data = envelopes.encode(expiresAt, slot.encodedKey.serializedKey(), value);
    int exptime = expiry.exptime(expiresAt, now);
    if (slot.item == null) {
      return write(
          slot.itemKey,
          () ->
              index.listed(
                  slot.itemKey,
                  () -> store.add(slot.itemKey, exptime, data.flags(), data.bytes())));
    }
    return write(
            slot.itemKey,
            () ->
                index.listed(
                    slot.itemKey,
                    () ->
                        store.cas(
                            slot.itemKey, slot.item.cas(), exptime, data.flags(), data.bytes())))
        == CasOutcome.STORED;
  }

  /** {@code add} without a prior read. @return false when an item exists. */
  boolean add(K key, V value, long expiresAt, long now) {
    observe(value);
    EncodedKey encoded = keys.encode(key);
    EncodedEntry data = envelopes.encode(expiresAt, encoded.serializedKey(), value);
    int exptime = expiry.exptime(expiresAt, now);
    return writeTo(
        encoded,
        itemKey ->
            index.listed(itemKey, () -> store.add(itemKey, exptime, data.flags(), data.bytes())));
  }

  /** Replaces the entry {@code slot} read, if unchanged ({@code cas}). */
  boolean update(Slot<K, V> slot, V value, long expiresAt, long now) {
    observe(value);
    EncodedEntry data = envelopes.encode(expiresAt, slot.encodedKey.serializedKey(), value);
    return cas(slot, expiresAt, now, data);
  }

  /**
   * Gives the entry {@code slot} read a new expiry without re-serializing its value ({@code cas});
   * an expiry already past deletes it instead.
   *
   * @return false when the item changed since the read
   */
  boolean touch(Slot<K, V> slot, long expiresAt, long now) {
    if (slot.item.cas() == 0) {
      Slot<K, V> fresh =
          slot(slot.key, slot.itemKey, slot.encodedKey, store.gets(slot.itemKey), now);
      return fresh.isPresent() && touch(fresh, expiresAt, now);
    }
    EncodedEntry data = envelopes.withExpiry(slot.envelope, expiresAt);
    return cas(slot, expiresAt, now, data);
  }

  private boolean cas(Slot<K, V> slot, long expiresAt, long now, EncodedEntry data) {
    int exptime = expiry.exptime(expiresAt, now);
    return write(
            slot.itemKey,
            () -> store.cas(slot.itemKey, slot.item.cas(), exptime, data.flags(), data.bytes()))
        == CasOutcome.STORED;
  }

  /** Deletes the item {@code slot} read, if unchanged (delete with CAS). */
  boolean delete(Slot<K, V> slot) {
    if (slot.item == null) {
      return false;
    }
    index.deleted(slot.itemKey);
    return write(
        slot.itemKey,
        () ->
            slot.item.cas() == 0
                ? store.delete(slot.itemKey)
                : store.delete(slot.itemKey, slot.item.cas()));
  }

  /** Blind {@code set} (the put fast path); {@code replace} for a rewrite behind a key index. */
  void put(K key, V value, long expiresAt, long now) {
    observe(value);
    EncodedKey encoded = keys.encode(key);
    EncodedEntry data = envelopes.encode(expiresAt, encoded.serializedKey(), value);
    int exptime = expiry.exptime(expiresAt, now);
    writeTo(
        encoded,
        itemKey -> {
          index.put(
              itemKey,
              expiresAt,
              now,
              () -> store.replace(itemKey, exptime, data.flags(), data.bytes()),
              () -> store.set(itemKey, exptime, data.flags(), data.bytes()));
          return null;
        });
  }

  /**
   * Deletes enumerated items by their memcached keys, without reading them; a failure marks its
   * server dirty and the others go on.
   *
   * @return the first failure, or null
   */
  StoreFailureException deleteItems(List<String> itemKeys) {
    StoreFailureException first = null;
    for (String itemKey : itemKeys) {
      try {
        write(itemKey, () -> store.delete(itemKey));
      } catch (StoreFailureException e) {
        first = first == null ? e : first;
      }
    }
    return first;
  }

  /** Blind {@code delete}. */
  void deleteBlind(K key) {
    writeTo(
        keys.encode(key),
        itemKey -> {
          index.deleted(itemKey);
          return store.delete(itemKey);
        });
  }
}
