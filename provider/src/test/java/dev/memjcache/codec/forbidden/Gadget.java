package dev.memjcache.codec.forbidden;

import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

/** Stands for a class an attacker would like to instantiate; counts constructions. */
public class Gadget implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final AtomicInteger CONSTRUCTED = new AtomicInteger();
  public String command = "x";

  public Gadget() {
    CONSTRUCTED.incrementAndGet();
  }
}
