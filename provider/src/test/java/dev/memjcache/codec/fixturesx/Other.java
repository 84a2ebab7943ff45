package dev.memjcache.codec.fixturesx;

/** In a package that shares a name prefix with "fixtures" but is not inside it. */
public class Other {
  public int x;
}
