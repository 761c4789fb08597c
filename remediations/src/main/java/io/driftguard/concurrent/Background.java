package io.driftguard.concurrent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A value built on a daemon thread of its own, starting at once, so that building it (mostly loading and initialising
 * an SDK's classes on a cold start) overlaps the caller's other work; {@link #get()} waits for it, and throws what
 * building it threw, as building it inline would have.
 */
public final class Background<T> implements Supplier<T> {

  private final CompletableFuture<T> value = new CompletableFuture<>();

  private Background(String name, Supplier<? extends T> build) {
    Thread thread = new Thread(() -> {
      try {
        value.complete(build.get());
      } catch (RuntimeException | Error e) {
        value.completeExceptionally(e);
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts building the value on a thread named {@code name}. */
  public static <T> Background<T> start(String name, Supplier<? extends T> build) {
    return new Background<>(name, build);
  }

  @Override
  public T get() {
    try {
      return value.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** The value as a future, for callers that must not block (reactive credentials). */
  public CompletableFuture<T> future() {
    return value;
  }
}
