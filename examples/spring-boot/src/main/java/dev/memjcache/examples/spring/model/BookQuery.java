package dev.memjcache.examples.spring.model;

import java.io.Serializable;

/**
 * A cache key of the application's own type (a record): MemJCache hashes its serialized form into
 * the memcached key, so equal queries give equal keys.
 *
 * @param author the author searched for
 * @param page the result page, from 0
 */
public record BookQuery(String author, int page) implements Serializable {}
