package io.driftguard.state;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A thread-safe map that forgets its least recently used keys beyond a capacity, so memory stays bounded. */
public final class BoundedLruMap<V> {

  private final Map<String, V> entries;

  public BoundedLruMap(int capacity) {
    entries = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
      }
    });
  }

  public Optional<V> get(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  public void put(String key, V value) {
    entries.put(key, value);
  }

  public void remove(String key) {
    entries.remove(key);
  }
}
