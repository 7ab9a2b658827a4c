package io.tkms.adapter.ratelimit;

import io.tkms.application.port.ReplayGuard;
import io.tkms.crypto.Hmacs;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;

/**
 * In-process {@link ReplayGuard}: each (SecretId, Timestamp, Nonce) is remembered until its
 * expiry (Timestamp + window), in sets of primitive 64-bit digests grouped by expiry second. A
 * triple's expiry is fixed by its timestamp, so a look-up touches one set; a second's set is
 * dropped whole once that second has passed. Nothing per triple is an object: under API 2.0
 * traffic the collector has no per-request survivors to copy (a cache of strings and entries
 * made every young collection copy the last few minutes of triples; docs/performance.md).
 *
 * <p>The digest is the first 64 bits of SHA-256 over the triple. Two different triples share one
 * with probability about n / 2^64 for n remembered triples, which can only make a fresh request
 * look replayed (never let a replay through: the same triple always has the same digest).
 *
 * <p>Bounded by {@code maxEntries}: past it the sets of the earliest expiry seconds are dropped
 * first, which re-opens replay for the oldest triples still inside the window (the trade-off of
 * docs/adr/0002-replay-protection.md). Thread safe: one lock, held for a hash-set probe.
 */
public final class LocalReplayGuard implements ReplayGuard {
  private final Clock clock;
  private final long maxEntries;
  /** Expiry second → the digests of the triples that expire then. */
  private final TreeMap<Long, DigestSet> byExpiry = new TreeMap<>();
  private long entries;

  public LocalReplayGuard(Clock clock, long maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1");
    }
    this.clock = clock;
    this.maxEntries = maxEntries;
  }

  @Override
  public Future<Boolean> firstSeen(String secretId, long timestamp, String nonce, long expiresAtEpochSecond) {
    long digest = digest(secretId, timestamp, nonce);
    long now = clock.millis() / 1000;
    synchronized (this) {
      dropExpired(now);
      if (expiresAtEpochSecond < now) {
        return Future.succeededFuture(true); // already expired: nothing to remember it against
      }
      DigestSet set = byExpiry.get(expiresAtEpochSecond);
      if (set != null && set.contains(digest)) {
        return Future.succeededFuture(false);
      }
      while (entries >= maxEntries && !byExpiry.isEmpty()) {
        entries -= byExpiry.pollFirstEntry().getValue().size();
      }
      if (set == null || !byExpiry.containsKey(expiresAtEpochSecond)) {
        set = new DigestSet();
        byExpiry.put(expiresAtEpochSecond, set);
      }
      set.add(digest);
      entries++;
      return Future.succeededFuture(true);
    }
  }

  /** Triples currently remembered (for tests and metrics). */
  public synchronized long size() {
    dropExpired(clock.millis() / 1000);
    return entries;
  }

  /** Forgets every second that has passed: a triple expiring at second s is kept through s. */
  private void dropExpired(long now) {
    Map.Entry<Long, DigestSet> first;
    while ((first = byExpiry.firstEntry()) != null && first.getKey() < now) {
      entries -= first.getValue().size();
      byExpiry.pollFirstEntry();
    }
  }

  static long digest(String secretId, long timestamp, String nonce) {
    byte[] h = Hmacs.sha256((secretId + '\n' + timestamp + '\n' + nonce).getBytes(StandardCharsets.UTF_8));
    long d = 0;
    for (int i = 0; i < 8; i++) {
      d = (d << 8) | (h[i] & 0xFF);
    }
    return d;
  }

  /** An insert-only open-addressing set of 64-bit digests (0 marks a free slot). */
  static final class DigestSet {
    private long[] slots = new long[64];
    private int size;
    private boolean hasZero;

    int size() {
      return size;
    }

    boolean contains(long d) {
      if (d == 0) {
        return hasZero;
      }
      int mask = slots.length - 1;
      for (int i = spread(d) & mask; ; i = (i + 1) & mask) {
        long s = slots[i];
        if (s == d) {
          return true;
        }
        if (s == 0) {
          return false;
        }
      }
    }

    /** Adds {@code d}; false when it was there already. */
    boolean add(long d) {
      if (d == 0) {
        if (hasZero) {
          return false;
        }
        hasZero = true;
        size++;
        return true;
      }
      if ((size + 1) * 2 > slots.length) {
        grow();
      }
      int mask = slots.length - 1;
      for (int i = spread(d) & mask; ; i = (i + 1) & mask) {
        long s = slots[i];
        if (s == d) {
          return false;
        }
        if (s == 0) {
          slots[i] = d;
          size++;
          return true;
        }
      }
    }

    private void grow() {
      long[] old = slots;
      slots = new long[old.length * 2];
      int mask = slots.length - 1;
      for (long d : old) {
        if (d != 0) {
          int i = spread(d) & mask;
          while (slots[i] != 0) {
            i = (i + 1) & mask;
          }
          slots[i] = d;
        }
      }
    }

    private static int spread(long d) {
      return (int) (d ^ (d >>> 32));
    }
  }
}
