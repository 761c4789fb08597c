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

  Optional<SweepCheckpoint> load(String sweep);

  void save(String sweep, SweepCheckpoint checkpoint);

  void clear(String sweep);
}
