package dev.memjcache.codec.animals;

public class Stone {
  public int weight;
}
