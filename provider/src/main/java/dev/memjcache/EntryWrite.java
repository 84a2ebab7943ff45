package dev.memjcache;

import dev.memjcache.event.EntryEventSink;
import dev.memjcache.expiry.ExpiryDecider;
import java.util.concurrent.CompletableFuture;

/**
 * One conditional write of an entry against the item a read found, and the event it publishes once
 * memcached stored it: which command ({@code add}/{@code cas}, a {@code cas} that only changes the
 * expiry, delete-with-CAS), with which expiry (JSR-107 section 6: creation, update and access
 * expiry through {@link ExpiryDecider}), and which event (chapter 8: CREATED, UPDATED, REMOVED,
 * EXPIRED). The blocking single-entry operations send it and await the answer at once ({@link
 * #sendNow}); the pipelined bulk operations send many ({@link #send}) before awaiting any, then
 * {@link #publish} on the calling thread, so synchronous listeners are awaited as for one entry.
 *
 * <p>A write answers {@code true} when memcached stored it, {@code false} when the item changed
 * since the read (a CAS conflict: read again) or, for {@code add}, when an item exists.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class EntryWrite<K, V> {

  /** The memcached command of a write. */
  enum Command {
    /** Nothing to send (the creation expiry is zero, or the access expiry leaves the entry). */
    NONE,
    /** {@code cas} with the new expiry and the value bytes unchanged; publishes nothing. */
    TOUCH,
    /** {@code add} (or {@code cas} over an expired or foreign item); publishes CREATED. */
    CREATE,
    /** {@code cas} with the new value; publishes UPDATED. */
    UPDATE,
    /** Delete-with-CAS of a live entry; publishes REMOVED. */
    REMOVE,
    /** Delete-with-CAS of an expired entry; publishes EXPIRED. */
    EXPIRE,
    /** Delete-with-CAS of an item that is no usable entry (foreign bytes, a refused class). */
    DISCARD
  }

  final Slot<K, V> slot;
  final Command command;
  private final V value;
  private final long expiresAt;
  private final long now;

  private EntryWrite(Slot<K, V> slot, Command command, V value, long expiresAt, long now) {
    this.slot = slot;
    this.command = command;
    this.value = value;
    this.expiresAt = expiresAt;
    this.now = now;
  }

  /**
   * Creates the entry where {@code target} found none, with the creation expiry at {@code now}
   * (epoch ms); {@link Command#NONE} when that expiry is zero (JSR-107: such an entry is never
   * added).
   */
  static <K, V> EntryWrite<K, V> create(
      ExpiryDecider expiry, Slot<K, V> target, V value, long now) {
    long expiresAt = expiry.onCreation(now);
    Command command = ExpiryDecider.isExpired(expiresAt, now) ? Command.NONE : Command.CREATE;
    return new EntryWrite<>(target, command, value, expiresAt, now);
  }

  /** Replaces the live entry {@code slot} read, with the update expiry (or its current one). */
  static <K, V> EntryWrite<K, V> update(ExpiryDecider expiry, Slot<K, V> slot, V value, long now) {
    long expiresAt = ExpiryDecider.orCurrent(expiry.onUpdate(now), slot.expiresAt());
    return new EntryWrite<>(slot, Command.UPDATE, value, expiresAt, now);
  }

  /** The access expiry of the live entry {@code slot} read: a TOUCH when the policy changes it. */
  static <K, V> EntryWrite<K, V> access(ExpiryDecider expiry, Slot<K, V> slot, long now) {
    long expiresAt = expiry.onAccess(now);
    Command command =
        expiresAt != ExpiryDecider.UNCHANGED && expiresAt != slot.expiresAt()
            ? Command.TOUCH
            : Command.NONE;
    return new EntryWrite<>(slot, command, null, expiresAt, now);
  }

  /** No write: the entry stays as {@code slot} read it. */
  static <K, V> EntryWrite<K, V> none(Slot<K, V> slot) {
    return new EntryWrite<>(slot, Command.NONE, null, 0, 0);
  }

  /** Removes the live entry {@code slot} read. */
  static <K, V> EntryWrite<K, V> remove(Slot<K, V> slot) {
    return new EntryWrite<>(slot, Command.REMOVE, null, 0, 0);
  }

  /**
   * What a remove does with an entry that is not live: deletes an item that reads as a miss because
   * it is no usable entry (a remove must be able to get rid of what a read cannot use), else
   * nothing. An expired entry was cleaned up already ({@link #expired}).
   */
  static <K, V> EntryWrite<K, V> discard(Slot<K, V> slot) {
    boolean unusable = slot.item != null && slot.envelope == null && !slot.isExpired();
    return new EntryWrite<>(slot, unusable ? Command.DISCARD : Command.NONE, null, 0, 0);
  }

  /**
   * The cleanup of an expired entry this JVM found: delete-with-CAS, so a concurrent write
   * survives; null when {@code slot} needs none (not expired, or read by a multi-get without CAS
   * unique).
   */
  static <K, V> EntryWrite<K, V> expired(Slot<K, V> slot) {
    if (!slot.isExpired() || slot.item.cas() == 0) {
      return null;
    }
    return new EntryWrite<>(slot, Command.EXPIRE, null, 0, 0);
  }

  boolean isNone() {
    return command == Command.NONE;
  }

  /** The value written by CREATE and UPDATE. */
  V value() {
    return value;
  }

  /**
   * Sends the command and awaits the answer.
   *
   * @return whether memcached stored it (true for {@link Command#NONE})
   * @throws dev.memjcache.store.StoreFailureException when the server is down, times out or fails
   */
  boolean sendNow(Entries<K, V> entries) {
    switch (command) {
      case NONE:
        return true;
      case TOUCH:
        return entries.touch(slot, expiresAt, now);
      case CREATE:
        return entries.create(slot, value, expiresAt, now);
      case UPDATE:
        return entries.update(slot, value, expiresAt, now);
      default:
        return entries.delete(slot);
    }
  }

  /**
   * Sends the command without awaiting the answer.
   *
   * @return a future of whether memcached stored it; exceptionally {@link
   *     dev.memjcache.store.StoreFailureException}
   * @throws dev.memjcache.store.ItemTooLargeException before anything is sent
   */
  CompletableFuture<Boolean> send(AsyncEntries<K, V> entries) {
    switch (command) {
      case NONE:
        return CompletableFuture.completedFuture(true);
      case TOUCH:
        return entries.touch(slot, expiresAt, now);
      case CREATE:
        return entries.create(slot, value, expiresAt, now);
      case UPDATE:
        return entries.update(slot, value, expiresAt, now);
      default:
        return entries.delete(slot);
    }
  }

  /** Publishes the event of this write, which memcached stored. */
  void publish(EntryEventSink<K, V> events) {
    switch (command) {
      case CREATE:
        events.publishCreated(slot.key, value);
        break;
      case UPDATE:
        events.publishUpdated(slot.key, slot.value(), value);
        break;
      case REMOVE:
        events.publishRemoved(slot.key, slot.value());
        break;
      case EXPIRE:
        V old = slot.expiredValue();
        if (old != null) {
          events.publishExpired(slot.key, old);
        }
        break;
      default:
        break;
    }
  }

  /**
   * Sends the command, awaits it and publishes its event when stored.
   *
   * @return whether memcached stored it
   */
  boolean applyNow(Entries<K, V> entries, EntryEventSink<K, V> events) {
    boolean stored = sendNow(entries);
    if (stored) {
      publish(events);
    }
    return stored;
  }

  /**
   * Where the entry is after this EXPIRE write answered: without item when it was deleted (create
   * the entry there), else the slot as read (a concurrent writer got there first).
   */
  Slot<K, V> afterExpiry(boolean deleted) {
    if (!deleted) {
      return slot;
    }
    return new Slot<>(slot.key, slot.itemKey, slot.encodedKey, null, null, Slot.State.ABSENT, null);
  }
}
