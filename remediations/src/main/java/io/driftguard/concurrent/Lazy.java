package io.driftguard.concurrent;

import java.util.function.Supplier;

/** A value built on its first use, once, by whichever thread asks first; later calls read it without a lock. */
public final class Lazy<T> implements Supplier<T> {

  private final Supplier<T> build;
  private volatile T value;

  private Lazy(Supplier<T> build) {
    this.build = build;
  }

  public static <T> Lazy<T> of(Supplier<T> build) {
    return new Lazy<>(build);
  }

  @Override
  public T get() {
    T known = value;
    if (known == null) {
      synchronized (this) {
        if (value == null) {
          value = build.get();
        }
        known = value;
      }
    }
    return known;
  }
}
