package io.driftguard.state;

/** A thread-safe set that forgets its least recently used keys beyond a capacity, so memory stays bounded. */
public final class BoundedLruSet {

  private final BoundedLruMap<Boolean> keys;

  public BoundedLruSet(int capacity) {
    keys = new BoundedLruMap<>(capacity);
  }

  public boolean contains(String key) {
    return keys.get(key).isPresent();
  }

  public void add(String key) {
    keys.put(key, true);
  }

  public void remove(String key) {
    keys.remove(key);
  }
}
