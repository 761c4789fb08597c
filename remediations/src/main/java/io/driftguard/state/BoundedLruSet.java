package io.driftguard.state;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A thread-safe set that forgets its least recently used keys beyond a capacity, so memory stays bounded. */
public final class BoundedLruSet {

  private final Set<String> keys;

  public BoundedLruSet(int capacity) {
    keys = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > capacity;
      }
    }));
  }

  public boolean contains(String key) {
    return keys.contains(key);
  }

  public void add(String key) {
    keys.add(key);
  }

  public void remove(String key) {
    keys.remove(key);
  }
}
