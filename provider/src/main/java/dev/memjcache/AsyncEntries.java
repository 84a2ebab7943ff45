package dev.memjcache;

import dev.memjcache.codec.EncodedEntry;
import dev.memjcache.codec.EncodedKey;
import dev.memjcache.store.AsyncCommands;
import dev.memjcache.store.ItemTooLargeException;
import dev.memjcache.store.StoreFailureException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import net.spy.memcached.MemcachedNode;

/**
 * The reads and writes of {@link Entries} without a waiting thread: each returns a future that
 * spymemcached's I/O thread completes ({@link AsyncCommands}), so many can be in flight at once
 * (the asynchronous view) or be sent before any answer is awaited (pipelined bulk operations). Same
 * item keys, envelopes, exptimes and dirty marking as {@link Entries}; a failed write marks its
 * server dirty for the cache before its future fails. A slot is decoded on the thread that
 * completes the read. Thread-safe.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class AsyncEntries<K, V> {

  private final Entries<K, V> entries;
  private final AsyncCommands commands;
  private final Executor generationReads;
  private final boolean callerWaits;

  /** The generation reads in progress, by server. */
  private final ConcurrentMap<MemcachedNode, CompletableFuture<Long>> pendingGenerations =
      new ConcurrentHashMap<>();

  /**
   * @param generationReads runs the blocking read of a server's generation when it is not known yet
   *     (at most once per refresh interval, one read per server at a time): the manager's executor
   *     for the asynchronous view, {@code Runnable::run} for a caller that waits anyway
   * @param callerWaits true when every write is awaited before the caller returns (the value's
   *     bytes may then be sent without a copy, {@link EncodedEntry#aliasesValue})
   */
  AsyncEntries(
      Entries<K, V> entries,
      AsyncCommands commands,
      Executor generationReads,
      boolean callerWaits) {
    this.entries = entries;
    this.commands = commands;
    this.generationReads = generationReads;
    this.callerWaits = callerWaits;
  }

  /**
   * memcached {@code gets} of one entry. @return a future of the slot; exceptionally {@link
   * StoreFailureException}
   */
  CompletableFuture<Slot<K, V>> read(K key, long now) {
    EncodedKey encoded = entries.keyCodec().encode(key);
    String known = entries.knownItemKey(encoded);
    if (known != null) {
      return commands.gets(known, item -> entries.slot(key, known, encoded, item, now));
    }
    return unknownItemKey(encoded)
        .thenCompose(
            itemKey ->
                commands.gets(itemKey, item -> entries.slot(key, itemKey, encoded, item, now)));
  }

  /**
   * memcached {@code gets} of one entry whose slot is decoded later, by whoever calls the answer's
   * {@link Supplier#get} (at most once): the asynchronous {@code invoke} decodes on the executor
   * that runs the processor, so spymemcached's I/O thread only hands the item over.
   *
   * @param then called once with the undecoded read and null, or null and the failure ({@link
   *     StoreFailureException}), where the answer arrived (see {@link AsyncCommands#gets(String,
   *     java.util.function.Function, BiConsumer)})
   */
  void readUndecoded(K key, long now, BiConsumer<? super Supplier<Slot<K, V>>, Throwable> then) {
    EncodedKey encoded = entries.keyCodec().encode(key);
    String known = entries.knownItemKey(encoded);
    if (known != null) {
      readUndecoded(key, known, encoded, now, then);
      return;
    }
    unknownItemKey(encoded)
        .whenComplete(
            (itemKey, failure) -> {
              if (failure != null) {
                then.accept(null, AsyncLoop.unwrap(failure));
              } else {
                readUndecoded(key, itemKey, encoded, now, then);
              }
            });
  }

  private void readUndecoded(
      K key,
      String itemKey,
      EncodedKey encoded,
      long now,
      BiConsumer<? super Supplier<Slot<K, V>>, Throwable> then) {
    long hash = entries.routedHash(itemKey);
    commands.<Supplier<Slot<K, V>>>gets(
        itemKey,
        item ->
            () -> {
              // the decoding thread sends the next command on the item: spare it an MD5
              entries.sending(itemKey, hash);
              return entries.slot(key, itemKey, encoded, item, now);
            },
        then);
  }

  /**
   * Blind {@code set}.
   *
   * @return a future completing when stored; exceptionally {@link StoreFailureException}
   * @throws dev.memjcache.codec.ClassNotAllowedException before anything is sent
   * @throws ItemTooLargeException before anything is sent, when the key's generation is known
   */
  CompletableFuture<Void> put(K key, V value, long expiresAt, long now) {
    EncodedKey encoded = entries.keyCodec().encode(key);
    EncodedEntry data = own(entries.encode(expiresAt, encoded, value));
    int exptime = entries.exptime(expiresAt, now);
    String known = entries.knownItemKey(encoded);
    if (known != null) {
      return put(known, expiresAt, now, exptime, data);
    }
    MemcachedNode node = entries.nodeOf(encoded);
    // checked on the caller so that a refused item fails before anything is sent
    entries.checkSize(entries.keyCodec().routingKey(encoded), data);
    return written(
        node,
        unknownItemKey(encoded)
            .thenCompose(itemKey -> put(itemKey, expiresAt, now, exptime, data)));
  }

  /** {@code set}, or {@code replace} for a rewrite behind a key index ({@link KeyIndex#put}). */
  private CompletableFuture<Void> put(
      String itemKey, long expiresAt, long now, int exptime, EncodedEntry data) {
    return entries
        .keyIndex()
        .put(
            itemKey,
            expiresAt,
            now,
            () -> commands.replace(itemKey, exptime, data.flags(), data.bytes()),
            () -> commands.set(itemKey, exptime, data.flags(), data.bytes()));
  }

  /** {@code add} without a prior read. @return a future of false when an item exists */
  CompletableFuture<Boolean> add(K key, V value, long expiresAt, long now) {
    EncodedKey encoded = entries.keyCodec().encode(key);
    EncodedEntry data = own(entries.encode(expiresAt, encoded, value));
    int exptime = entries.exptime(expiresAt, now);
    String known = entries.knownItemKey(encoded);
    if (known != null) {
      return entries
          .keyIndex()
          .listed(known, commands.add(known, exptime, data.flags(), data.bytes()));
    }
    return written(
        entries.nodeOf(encoded),
        unknownItemKey(encoded)
            .thenCompose(
                itemKey ->
                    entries
                        .keyIndex()
                        .listed(
                            itemKey, commands.add(itemKey, exptime, data.flags(), data.bytes()))));
  }

  /**
   * Creates the entry where {@code slot} found none: {@code add} when there was no item, else
   * {@code cas} over the expired or foreign item.
   *
   * @return a future of false when someone else wrote the key first
   */
  CompletableFuture<Boolean> create(Slot<K, V> slot, V value, long expiresAt, long now) {
    EncodedEntry data = own(entries.encode(expiresAt, slot.encodedKey, value));
    int exptime = entries.exptime(expiresAt, now);
    if (slot.item == null) {
      return entries
          .keyIndex()
          .listed(slot.itemKey, commands.add(slot.itemKey, exptime, data.flags(), data.bytes()));
    }
    return entries.keyIndex().listed(slot.itemKey, cas(slot, exptime, data));
  }

  /** Replaces the entry {@code slot} read, if unchanged ({@code cas}). */
  CompletableFuture<Boolean> update(Slot<K, V> slot, V value, long expiresAt, long now) {
    EncodedEntry data = own(entries.encode(expiresAt, slot.encodedKey, value));
    return cas(slot, entries.exptime(expiresAt, now), data);
  }

  /**
   * Gives the entry {@code slot} read a new expiry without re-serializing its value ({@code cas}).
   * A slot without CAS unique (from a multi-get) is read again first.
   *
   * @return a future of false when the item changed since the read
   */
  CompletableFuture<Boolean> touch(Slot<K, V> slot, long expiresAt, long now) {
    if (slot.item.cas() == 0) {
      return commands
          .gets(slot.itemKey)
          .thenCompose(
              item -> {
                Slot<K, V> fresh = entries.slot(slot.key, slot.itemKey, slot.encodedKey, item, now);
                return fresh.isPresent()
                    ? touch(fresh, expiresAt, now)
                    : CompletableFuture.completedFuture(false);
              });
    }
    return cas(slot, entries.exptime(expiresAt, now), entries.withExpiry(slot, expiresAt));
  }

  /** Deletes the item {@code slot} read, if unchanged (delete with CAS). */
  CompletableFuture<Boolean> delete(Slot<K, V> slot) {
    if (slot.item == null) {
      return CompletableFuture.completedFuture(false);
    }
    entries.keyIndex().deleted(slot.itemKey);
    return commands.delete(slot.itemKey, slot.item.cas());
  }

  /** Blind {@code delete} of the entry's item. @return a future of true when an item was deleted */
  CompletableFuture<Boolean> deleteBlind(K key) {
    EncodedKey encoded = entries.keyCodec().encode(key);
    String known = entries.knownItemKey(encoded);
    if (known != null) {
      return delete(known);
    }
    return written(entries.nodeOf(encoded), unknownItemKey(encoded).thenCompose(this::delete));
  }

  private CompletableFuture<Boolean> delete(String itemKey) {
    entries.keyIndex().deleted(itemKey);
    return commands.delete(itemKey, 0);
  }

  private CompletableFuture<Boolean> cas(Slot<K, V> slot, int exptime, EncodedEntry data) {
    return commands.cas(slot.itemKey, slot.item.cas(), exptime, data.flags(), data.bytes());
  }

  /**
   * The item key of {@code encoded} after a read of its server's generation on {@link
   * #generationReads}; concurrent callers share one read per server.
   */
  private CompletableFuture<String> unknownItemKey(EncodedKey encoded) {
    return generation(entries.nodeOf(encoded))
        .thenApply(generation -> entries.itemKey(generation, encoded));
  }

  /** The generation of {@code node}, read on {@link #generationReads}, once at a time. */
  private CompletableFuture<Long> generation(MemcachedNode node) {
    CompletableFuture<Long> mine = new CompletableFuture<>();
    CompletableFuture<Long> running = pendingGenerations.putIfAbsent(node, mine);
    if (running != null) {
      return running;
    }
    Runnable read =
        () -> {
          long generation;
          try {
            generation = entries.generation(node);
          } catch (RuntimeException | Error e) {
            pendingGenerations.remove(node, mine);
            mine.completeExceptionally(e);
            return;
          }
          // removed first: a caller that comes later finds the generation known
          pendingGenerations.remove(node, mine);
          mine.complete(generation);
        };
    try {
      generationReads.execute(read);
    } catch (RejectedExecutionException closed) {
      pendingGenerations.remove(node, mine);
      mine.completeExceptionally(closed);
    }
    return mine;
  }

  private EncodedEntry own(EncodedEntry data) {
    return callerWaits ? data : data.detached();
  }

  /**
   * Marks {@code node} dirty for the cache when {@code write}, which first reads the server's
   * generation, fails there (the command itself reports its failures, {@link AsyncCommands}).
   */
  private <T> CompletableFuture<T> written(MemcachedNode node, CompletableFuture<T> write) {
    return write.whenComplete(
        (ok, failure) -> {
          Throwable cause = AsyncLoop.unwrap(failure);
          if (cause instanceof StoreFailureException && !(cause instanceof ItemTooLargeException)) {
            entries.markDirty(node);
          }
        });
  }
}
