package dev.memjcache.hostile;

import dev.memjcache.config.MemcachedProtocol;

/** {@link PlantedClassTest}'s tests in the text protocol (planted class names). */
class PlantedClassTextTest extends PlantedClassTest {
  @Override
  protected MemcachedProtocol protocol() {
    return MemcachedProtocol.TEXT;
  }
}
