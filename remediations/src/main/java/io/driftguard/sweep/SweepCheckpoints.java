package io.driftguard.sweep;

import java.util.Optional;

/** Where sweeps keep their checkpoints, so a run cut short by its time limit resumes where it stopped. */
public interface SweepCheckpoints {

  /** No storage configured: every sweep starts from the beginning. */
  SweepCheckpoints NONE = new SweepCheckpoints() {
    @Override
    public Optional<SweepCheckpoint> load(String sweep) {
      return Optional.empty();
    }

    @Override
    public void save(String sweep, SweepCheckpoint checkpoint) {}

    @Override
    public void clear(String sweep) {}
  };

  /** @throws UnreadableCheckpointException when the stored checkpoint is not one a sweep would have saved */
  Optional<SweepCheckpoint> load(String sweep);

  void save(String sweep, SweepCheckpoint checkpoint);

  void clear(String sweep);

  /** A stored checkpoint that is not what a sweep saves: tampered with, or from an older version. Never resumed from. */
  final class UnreadableCheckpointException extends RuntimeException {
    public UnreadableCheckpointException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
