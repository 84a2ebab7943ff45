package dev.memjcache.examples.spring.model;

import java.io.Serializable;

/**
 * A cached value of the application's own type: its package is the one MemJCache is told to trust
 * ({@code allowPackages=dev.memjcache.examples.spring.model}).
 *
 * @param isbn the book's id
 * @param title its title
 * @param author its author
 */
public record Book(String isbn, String title, String author) implements Serializable {}
