package dev.memjcache.codec.animals;

public class Dog extends Animal {
  public boolean goodBoy = true;
}
