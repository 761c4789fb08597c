package io.driftguard.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/** Reading what went wrong through the SDK's and Reactor's wrapping exceptions. */
final class Failures {

  private Failures() {}

  static <T extends Throwable> Optional<T> causeOfType(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return Optional.of(type.cast(t));
      }
    }
    return Optional.empty();
  }

  /** No answer arrived: a timeout, a reset, a refused connection. */
  static boolean isTransportFailure(Throwable error) {
    return causeOfType(error, IOException.class).isPresent() || causeOfType(error, UncheckedIOException.class).isPresent()
        || causeOfType(error, TimeoutException.class).isPresent();
  }
}
