package dev.memjcache;

import dev.memjcache.codec.KeyCodec;
import dev.memjcache.store.AsyncCommands;
import dev.memjcache.store.BulkCommands;
import dev.memjcache.store.CasOutcome;
import dev.memjcache.store.MemcachedStore;
import dev.memjcache.store.StoreFailureException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.cache.CacheException;
import net.spy.memcached.CachedData;
import net.spy.memcached.MemcachedNode;

/**
 * One cache's key index behind a proxy ({@code proxy=true}, option {@code keyIndex}, default on
 * there): the list of the item keys a generation wrote, kept in memcached items the proxy routes
 * like any key, so that {@code Cache.iterator()} and an observed {@code Cache.removeAll()} can find
 * the entries where {@code lru_crawler metadump} is not forwarded (docs/tls-and-proxies.md,
 * "Enumeration behind a proxy"; docs/storage-format.md).
 *
 * <p><b>Layout.</b> {@value #SHARDS} shard items per generation, {@code
 * <prefix>:<cache>:index:<generation>:<shard>} (flags 0, no exptime), outside every generation's
 * entry prefix. A shard's value is the key parts of the entries of that generation whose part
 * hashes to it ({@code String.hashCode}, the same in every JVM), each preceded by one space (parts
 * are printable ASCII without spaces). An entry's item key is {@code
 * <prefix>:<cache>:<generation>:} + part, so the index of a generation lists nothing of another:
 * {@code clear()} moves the cache to a new generation and with it to a new, empty index, and a
 * cleared entry is never listed again. The old generation's shards are left to memcached's LRU.
 *
 * <p><b>Writes.</b> Every write that can create an entry ({@code set}, {@code add}, a {@code cas}
 * over an expired item), once it stored, sends {@code append " <part>"} to the part's shard, and
 * returns without awaiting it ({@link #recordInBackground}): the caller pays the write's round trip
 * only. {@link #itemKeys} first awaits this JVM's appends still in flight, so an {@code iterator()}
 * lists every entry this JVM stored before it. After the write, never alongside: a compaction that
 * finds an entry's item missing (step 2 of {@link KeyIndexShard}) may drop its part only because a
 * writer's {@code append} lands after its item, so the compaction either sees the item or the
 * append changes the shard under its {@code cas}. {@code NOT_STORED} (no shard yet, or the shard at
 * {@code item_size_max}) goes to {@link KeyIndexShard} on {@code slowPath}: {@code add}, or a
 * compaction under {@code cas}. A failed index write marks the server dirty for the cache, as any
 * failed write does, so the generation moves on and no entry stays unlisted in a generation that is
 * still read. Parts are appended again by later creating writes (another JVM's, or one after the
 * entry was gone), so compaction (duplicates, then entries that are gone) keeps the index to the
 * live keys.
 *
 * <p><b>Rewrites.</b> A blind {@code put} of an entry this JVM wrote, and that should still be
 * there, is a {@code replace} ({@link #put}, {@link RecentlyListed}): it stores only over an item
 * that exists, and an entry item exists only after the write that created it, which lists it (or
 * has its {@code append} on the way, or failed it and marked the generation dirty). A compaction
 * drops a part only when its item is gone, and a {@code replace} stores nothing then. So rewriting
 * an entry costs one command, as without an index.
 *
 * <p><b>Bound.</b> A shard is one memcached item, so a generation lists at most {@value #SHARDS}
 * items' worth of parts: about {@value #SHARDS} × {@code item_size_max} bytes (16 MiB with
 * memcached's 1 MiB), ~500,000 keys of 32 characters. Past it the shard that cannot take a key is
 * marked full ({@code <prefix>:<cache>:index:<generation>:full}) and the entry is stored unlisted;
 * from then on {@code iterator()} and an observed {@code removeAll()} of that generation fail with
 * a {@link CacheException} that says so, until {@code clear()} starts a new generation.
 *
 * <p><b>Reads.</b> {@link #itemKeys} multi-gets the shards (and the full marker) and returns their
 * parts once each, as item keys; an entry whose item is gone (removed, expired, evicted) is then
 * simply not found by the caller's multi-get and skipped. An index shard evicted by memcached loses
 * the keys it listed (appends keep it at the head of the LRU).
 *
 * <p>Thread-safe. {@link #NONE} is the null object of a cache without an index (direct servers,
 * {@code keyIndex=false}).
 */
final class KeyIndex {

  /** Shard items per generation: spreads the index over the proxy's backends and bounds it. */
  static final int SHARDS = 16;

  /** No index: records nothing, is not active. */
  static final KeyIndex NONE = new KeyIndex();

  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private static final CompletableFuture<Boolean> NOT_REPLACED =
      CompletableFuture.completedFuture(false);

  private final String cachePrefix;
  private final String indexPrefix;
  private final AsyncCommands commands;
  private final MemcachedStore store;
  private final KeyIndexShard shards;
  private final Executor slowPath;
  private final RecentlyListed recent;

  /**
   * The newest generation whose index this JVM found full (-1: none): nothing more is appended to
   * it, since its listing is incomplete anyway until {@code clear()} moves on.
   */
  private volatile long full = -1;

  /** This JVM's index writes not yet answered; {@link #itemKeys} awaits them. */
  private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();

  private KeyIndex() {
    this.cachePrefix = null;
    this.indexPrefix = null;
    this.commands = null;
    this.store = null;
    this.shards = null;
    this.slowPath = null;
    this.recent = null;
  }

  /**
   * @param store the memcached adapter (the proxy endpoint)
   * @param keys the cache's key codec: the index items share its {@code <prefix>:<cache>:}
   * @param writeFailed told the server of every index write that failed (the cache's dirty
   *     marking), before the write's failure reaches the caller
   * @param slowPath runs the blocking steps of a {@code NOT_STORED} append (create, compaction):
   *     the manager's executor, never spymemcached's I/O thread
   */
  KeyIndex(
      MemcachedStore store, KeyCodec keys, Consumer<MemcachedNode> writeFailed, Executor slowPath) {
    this.store = store;
    this.cachePrefix = keys.cachePrefix();
    this.indexPrefix = cachePrefix + "index:";
    this.commands = new AsyncCommands(store, writeFailed);
    this.shards = new KeyIndexShard(store, writeFailed);
    this.slowPath = slowPath;
    this.recent = new RecentlyListed();
  }

  /** Whether this cache keeps an index (else {@link #itemKeys} must not be called). */
  boolean isActive() {
    return commands != null;
  }

  /**
   * Runs a write that may create the entry {@code itemKey}; once it stored, lists the key without
   * waiting for that ({@link #recordInBackground}). Without an index, just the write.
   *
   * @param command the write: a {@code set}'s, {@code add}'s or {@code cas}'s result ({@link
   *     #stored})
   * @return the write's result
   */
  <T> T listed(String itemKey, Supplier<T> command) {
    T result = command.get();
    if (isActive() && stored(result)) {
      recordInBackground(itemKey);
    }
    return result;
  }

  /**
   * {@code write}, which may create the entry {@code itemKey}, completed only once the key is
   * listed after it stored ({@link #record}); without an index, {@code write} itself.
   */
  <T> CompletableFuture<T> listed(String itemKey, CompletableFuture<T> write) {
    if (!isActive()) {
      return write;
    }
    return write.thenCompose(
        result ->
            stored(result)
                ? record(itemKey).thenApply(listed -> result)
                : CompletableFuture.completedFuture(result));
  }

  /**
   * Runs a blind {@code put} of the entry {@code itemKey}: as {@code replace} when this JVM wrote
   * the entry and it should still be there ({@link RecentlyListed}), which stores only over an
   * existing item and so needs no {@code append}; else, and when the {@code replace} finds no item,
   * as {@code set} followed by {@link #recordInBackground}. Without an index, {@code set} alone.
   *
   * @param expiresAtMillis the entry's expiry, epoch ms or {@code ExpiryDecider.ETERNAL}
   * @param nowMillis the call's clock, epoch ms
   * @param replace sends memcached {@code replace}: true when stored
   * @param set sends memcached {@code set}
   * @throws StoreFailureException as the commands throw it
   */
  void put(
      String itemKey, long expiresAtMillis, long nowMillis, BooleanSupplier replace, Runnable set) {
    if (!isActive()) {
      set.run();
      return;
    }
    if (!recent.expectsEntry(itemKey, nowMillis) || !replace.getAsBoolean()) {
      set.run();
      recordInBackground(itemKey);
    }
    recent.wrote(itemKey, expiresAtMillis);
  }

  /**
   * {@link #put} for the asynchronous API: the future completes once the entry is stored and, when
   * it was a {@code set}, listed ({@link #record}).
   *
   * @param replace sends memcached {@code replace}: a future of true when stored
   * @param set sends memcached {@code set}
   */
  CompletableFuture<Void> put(
      String itemKey,
      long expiresAtMillis,
      long nowMillis,
      Supplier<CompletableFuture<Boolean>> replace,
      Supplier<CompletableFuture<Void>> set) {
    if (!isActive()) {
      return set.get();
    }
    CompletableFuture<Boolean> replaced =
        recent.expectsEntry(itemKey, nowMillis) ? replace.get() : NOT_REPLACED;
    return replaced.thenCompose(
        stored -> {
          if (stored) {
            recent.wrote(itemKey, expiresAtMillis);
            return DONE;
          }
          return set.get()
              .thenCompose(
                  done -> {
                    recent.wrote(itemKey, expiresAtMillis);
                    return record(itemKey);
                  });
        });
  }

  /**
   * Whether this JVM wrote the entry {@code itemKey} and it should still be there at {@code
   * nowMillis}, so that a {@code replace} stores it without an {@code append} ({@link #put}); false
   * without an index.
   */
  boolean expectsEntry(String itemKey, long nowMillis) {
    return isActive() && recent.expectsEntry(itemKey, nowMillis);
  }

  /**
   * Remembers that this JVM stored the entries {@code itemKeys} with the expiry {@code
   * expiresAtMillis} (epoch ms), each listed or with its {@code append} on the way (a {@code
   * putAll}).
   */
  void wroteAll(Collection<String> itemKeys, long expiresAtMillis) {
    if (isActive()) {
      for (String itemKey : itemKeys) {
        recent.wrote(itemKey, expiresAtMillis);
      }
    }
  }

  /**
   * Forgets that this JVM wrote {@code itemKey}, which it deleted: its next put is a {@code set}.
   */
  void deleted(String itemKey) {
    if (isActive()) {
      recent.forget(itemKey);
    }
  }

  /**
   * Lists the entry {@code itemKey}, which was just stored, in its generation's index: sends the
   * {@code append} now.
   *
   * @param itemKey an entry's item key, {@code <prefix>:<cache>:<generation>:<part>}
   * @return a future completing when the key is listed (or the index is full); exceptionally with
   *     {@link StoreFailureException} when an index command failed
   */
  CompletableFuture<Void> record(String itemKey) {
    if (!isActive()) {
      return DONE;
    }
    int colon = itemKey.indexOf(':', cachePrefix.length());
    long generation = Long.parseLong(itemKey.substring(cachePrefix.length(), colon));
    if (generation == full) {
      return DONE;
    }
    String part = itemKey.substring(colon + 1);
    return append(shardKey(generation, shardOf(part)), " ".concat(part));
  }

  /**
   * {@link #record} without waiting: the append's failure has marked its server dirty (the
   * generation moves on), and {@link #itemKeys} awaits it first.
   */
  void recordInBackground(String itemKey) {
    track(record(itemKey));
  }

  /** {@link #recordAll} without waiting, as {@link #recordInBackground}. */
  void recordAllInBackground(Collection<String> itemKeys) {
    track(recordAll(itemKeys));
  }

  private void track(CompletableFuture<Void> recorded) {
    if (recorded.isDone()) {
      return;
    }
    inFlight.add(recorded);
    recorded.whenComplete((done, failure) -> inFlight.remove(recorded));
  }

  /**
   * {@link #record} of many entries (a {@code putAll}): one {@code append} per shard they touch.
   *
   * @param itemKeys entry item keys, of one or more generations
   * @return a future completing when every key is listed; exceptionally with the first failure
   */
  CompletableFuture<Void> recordAll(Collection<String> itemKeys) {
    if (!isActive() || itemKeys.isEmpty()) {
      return DONE;
    }
    Map<String, StringBuilder> byShard = new LinkedHashMap<>();
    for (String itemKey : itemKeys) {
      int colon = itemKey.indexOf(':', cachePrefix.length());
      long generation = Long.parseLong(itemKey.substring(cachePrefix.length(), colon));
      if (generation == full) {
        continue;
      }
      String part = itemKey.substring(colon + 1);
      String shardKey = shardKey(generation, shardOf(part));
      byShard.computeIfAbsent(shardKey, k -> new StringBuilder()).append(' ').append(part);
    }
    if (byShard.size() == 1) {
      Map.Entry<String, StringBuilder> only = byShard.entrySet().iterator().next();
      return append(only.getKey(), only.getValue().toString());
    }
    CompletableFuture<?>[] appends = new CompletableFuture<?>[byShard.size()];
    int i = 0;
    for (Map.Entry<String, StringBuilder> e : byShard.entrySet()) {
      appends[i++] = append(e.getKey(), e.getValue().toString());
    }
    return CompletableFuture.allOf(appends);
  }

  private CompletableFuture<Void> append(String shardKey, String parts) {
    return commands
        .append(shardKey, parts.getBytes(StandardCharsets.US_ASCII))
        .thenCompose(
            stored ->
                stored ? DONE : CompletableFuture.runAsync(() -> store(shardKey, parts), slowPath));
  }

  /** The blocking path of a {@code NOT_STORED} append; remembers a full generation. */
  private void store(String shardKey, String parts) {
    int end = shardKey.lastIndexOf(':');
    String generation = shardKey.substring(indexPrefix.length(), end);
    String entryPrefix = cachePrefix + generation + ':';
    if (!shards.store(shardKey, parts, indexPrefix + generation + ":full", entryPrefix)) {
      full = Math.max(full, Long.parseLong(generation));
    }
  }

  /**
   * Whether a write's result says it stored the item, so its key is to be listed.
   *
   * @param result a {@code set}'s (null: it throws when refused), an {@code add}'s or {@code cas}'s
   *     (true, or {@link CasOutcome#STORED})
   */
  private static boolean stored(Object result) {
    return result == null || Boolean.TRUE.equals(result) || result == CasOutcome.STORED;
  }

  /**
   * The item keys the index of {@code generation} lists, each once, in shard order; the caller
   * skips those whose item is gone. A shard that cannot be read is reported to {@code onFailure}
   * and its keys are missing from the result.
   *
   * @throws CacheException when the index of that generation is full (its bound was reached): some
   *     entries are not listed
   */
  List<String> itemKeys(long generation, Consumer<StoreFailureException> onFailure) {
    for (CompletableFuture<Void> recorded : List.copyOf(inFlight)) {
      try {
        recorded.join(); // bounded: every command has the operation timeout
      } catch (CompletionException failed) {
        // its server was marked dirty: the generation moves on
      }
    }
    List<String> keys = new ArrayList<>(SHARDS + 1);
    for (int shard = 0; shard < SHARDS; shard++) {
      keys.add(shardKey(generation, shard));
    }
    String fullKey = indexPrefix + generation + ":full";
    keys.add(fullKey);
    BulkCommands.BulkRead read = store.bulk().getBulk(keys);
    if (read.failure() != null) {
      onFailure.accept(read.failure());
    }
    Map<String, CachedData> items = read.items();
    if (items.containsKey(fullKey)) {
      throw new CacheException(
          "The key index of cache segment '"
              + cachePrefix
              + "' is full in generation "
              + generation
              + ": more keys were written than "
              + SHARDS
              + " index items of item_size_max bytes list, so Cache.iterator() and"
              + " Cache.removeAll() with a listener, writer or statistics cannot find every entry;"
              + " Cache.clear() starts a new, empty index (docs/tls-and-proxies.md, \"Enumeration"
              + " behind a proxy\")");
    }
    String entryPrefix = cachePrefix + generation + ':';
    Set<String> found = new LinkedHashSet<>();
    for (int shard = 0; shard < SHARDS; shard++) {
      CachedData item = items.get(keys.get(shard));
      if (item != null) {
        for (String part : KeyIndexShard.parts(item.getData())) {
          found.add(entryPrefix.concat(part));
        }
      }
    }
    return new ArrayList<>(found);
  }

  /** The shard of a key part: {@code String.hashCode} is the same in every JVM. */
  private static int shardOf(String part) {
    return Math.floorMod(part.hashCode(), SHARDS);
  }

  private String shardKey(long generation, int shard) {
    return indexPrefix + generation + ':' + shard;
  }
}
