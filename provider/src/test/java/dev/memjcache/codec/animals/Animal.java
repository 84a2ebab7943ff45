package dev.memjcache.codec.animals;

public class Animal {
  public String name;
}
