package io.beastmode.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** A small thread-safe LRU map; registry answers are immutable, so losing an entry only costs one HTTP call. */
final class BoundedCache<K, V> {
    private final Map<K, V> entries;

    BoundedCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("cache capacity must be at least 1, got " + capacity);
        }
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized V get(K key) {
        return entries.get(key);
    }

    synchronized void put(K key, V value) {
        entries.put(key, value);
    }

    /** The cached value, or computes it outside the lock (a slow registry call must not block other keys). */
    V computeIfAbsent(K key, Function<K, V> loader) {
        V cached = get(key);
        if (cached != null) {
            return cached;
        }
        V loaded = loader.apply(key);
        put(key, loaded);
        return loaded;
    }

    synchronized void removeIf(java.util.function.Predicate<K> keyTest) {
        entries.keySet().removeIf(keyTest);
    }

    synchronized int size() {
        return entries.size();
    }
}
