package io.tkms.adapter.ratelimit;

import io.tkms.application.port.ReplayGuard;
import io.tkms.crypto.Hmacs;
import io.tkms.crypto.RandomSource;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * In-process {@link ReplayGuard}: each (SecretId, Timestamp, Nonce) is remembered through its
 * expiry second (Timestamp + window), in sets of primitive 64-bit digests grouped by expiry second.
 * A triple's expiry is fixed by its timestamp, so a look-up touches one set; a second's set is
 * dropped whole {@value #GRACE_SECONDS} s after that second has passed. Nothing per triple is an
 * object: under API 2.0 traffic the collector has no per-request survivors to copy (a cache of
 * strings and entries made every young collection copy the last minutes of triples;
 * docs/performance.md, optimisation 6).
 *
 * <p>The digest is the first 64 bits of HMAC-SHA256 of the triple under a random key of this
 * process, so nobody can choose triples whose digests collide or crowd one part of a set. Two
 * different triples share a digest with probability about n / 2^64 for n remembered triples, which
 * can only make a fresh request look replayed, never let a replay through: the same triple always
 * has the same digest.
 *
 * <p>Time only moves forward here: the guard keeps the latest second it has seen, so a clock
 * stepping back does not bring dropped seconds back; a triple whose expiry lies before the retained
 * seconds is refused (the timestamp window refuses such requests earlier, except around a clock
 * step or a long stall), never admitted unchecked.
 *
 * <p>Bounded by {@code maxEntries} in all, and fairly between accounts: the triples are kept per
 * account, and past the bound the earliest expiry second of the account holding the most triples is
 * dropped, which re-opens replay for that account's oldest triples still inside the window (the
 * trade-off of docs/adr/0002-replay-protection.md). So an account flooding the cache pushes out
 * only its own triples: another account loses any only while it holds more than the flooder, and
 * each of n active accounts keeps at least {@code maxEntries / n}. Thread safe: one lock, held for
 * a probe of one set, a set's rehash when it grows, or once a second a sweep of the accounts.
 */
public final class LocalReplayGuard implements ReplayGuard {
  /**
   * Seconds a set is kept after its expiry second: covers a request that passed the window check in
   * one second and reaches the guard in the next.
   */
  static final long GRACE_SECONDS = 5;

  private final Clock clock;
  private final long maxEntries;
  private final byte[] digestKey = new byte[32];

  /** Account (AppId) → its triples by expiry second. */
  private final Map<String, AccountTriples> accounts = new HashMap<>();

  private long entries;

  /** The latest second this guard has seen. */
  private long latest = Long.MIN_VALUE;

  /** The second whose passed sets were last swept from every account. */
  private long swept = Long.MIN_VALUE;

  /** One account's triples: expiry second → the digests of the triples that expire then. */
  private static final class AccountTriples {
    final TreeMap<Long, DigestSet> byExpiry = new TreeMap<>();
    long entries;
  }

  public LocalReplayGuard(Clock clock, long maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1");
    }
    this.clock = clock;
    this.maxEntries = maxEntries;
    RandomSource.secure().nextBytes(digestKey);
  }

  @Override
  public Future<Boolean> firstSeen(
      String account, String secretId, long timestamp, String nonce, long expiresAtEpochSecond) {
    long digest = digest(digestKey, secretId, timestamp, nonce);
    synchronized (this) {
      long oldestKept = advance();
      if (expiresAtEpochSecond < oldestKept) {
        return Future.succeededFuture(
            false); // its second is no longer remembered: refuse, never admit unchecked
      }
      AccountTriples mine = accounts.get(account);
      DigestSet set = mine == null ? null : mine.byExpiry.get(expiresAtEpochSecond);
      if (set != null && set.contains(digest)) {
        return Future.succeededFuture(false);
      }
      while (entries >= maxEntries && !accounts.isEmpty()) {
        dropEarliestOfLargest();
      }
      // The eviction above may have dropped this second's set, or this account, too.
      mine = accounts.computeIfAbsent(account, a -> new AccountTriples());
      mine.byExpiry.computeIfAbsent(expiresAtEpochSecond, x -> new DigestSet()).add(digest);
      mine.entries++;
      entries++;
      return Future.succeededFuture(true);
    }
  }

  /** Triples currently remembered (for tests and metrics). */
  public synchronized long size() {
    advance();
    return entries;
  }

  /** Triples currently remembered for {@code account}. */
  synchronized long size(String account) {
    advance();
    AccountTriples a = accounts.get(account);
    return a == null ? 0 : a.entries;
  }

  private void dropEarliestOfLargest() {
    Map.Entry<String, AccountTriples> largest = null;
    for (Map.Entry<String, AccountTriples> e : accounts.entrySet()) {
      if (largest == null || e.getValue().entries > largest.getValue().entries) {
        largest = e;
      }
    }
    AccountTriples a = largest.getValue();
    long dropped = a.byExpiry.pollFirstEntry().getValue().size();
    a.entries -= dropped;
    entries -= dropped;
    if (a.byExpiry.isEmpty()) {
      accounts.remove(largest.getKey());
    }
  }

  /**
   * Moves time forward (never back) and, once per new second, drops every account's passed seconds;
   * returns the oldest second kept.
   */
  private long advance() {
    latest = Math.max(latest, Math.floorDiv(clock.millis(), 1000));
    long oldestKept = latest - GRACE_SECONDS;
    if (swept != latest) {
      swept = latest;
      accounts.values().removeIf(a -> dropBefore(a, oldestKept));
    }
    return oldestKept;
  }

  /** Drops {@code a}'s sets before {@code second}; true when it holds none after. */
  private boolean dropBefore(AccountTriples a, long second) {
    Map.Entry<Long, DigestSet> first;
    while ((first = a.byExpiry.firstEntry()) != null && first.getKey() < second) {
      a.entries -= first.getValue().size();
      entries -= first.getValue().size();
      a.byExpiry.pollFirstEntry();
    }
    return a.byExpiry.isEmpty();
  }

  /**
   * The first 64 bits of HMAC-SHA256 under {@code key} of the triple, each part length-prefixed so
   * no two triples share an input.
   */
  static long digest(byte[] key, String secretId, long timestamp, String nonce) {
    String input =
        secretId.length() + ":" + secretId + "," + timestamp + "," + nonce.length() + ":" + nonce;
    byte[] h = Hmacs.hmacSha256(key, input.getBytes(StandardCharsets.UTF_8));
    long d = 0;
    for (int i = 0; i < 8; i++) {
      d = (d << 8) | (h[i] & 0xFF);
    }
    return d;
  }

  /** An insert-only open-addressing set of 64-bit digests (0 marks a free slot). */
  static final class DigestSet {
    private long[] slots = new long[8];
    private int size;
    private boolean hasZero;

    int size() {
      return size;
    }

    boolean contains(long d) {
      return d == 0 ? hasZero : slots[indexOf(d)] == d;
    }

    /** Adds {@code d}; false when it was there already. */
    boolean add(long d) {
      if (d == 0) {
        boolean added = !hasZero;
        hasZero = true;
        size += added ? 1 : 0;
        return added;
      }
      if ((size + 1) * 2 > slots.length) {
        grow();
      }
      int i = indexOf(d);
      if (slots[i] == d) {
        return false;
      }
      slots[i] = d;
      size++;
      return true;
    }

    /** The slot holding {@code d} (not 0), or the free slot where it belongs. */
    private int indexOf(long d) {
      int mask = slots.length - 1;
      int i = spread(d) & mask;
      while (slots[i] != 0 && slots[i] != d) {
        i = (i + 1) & mask;
      }
      return i;
    }

    private void grow() {
      long[] old = slots;
      slots = new long[old.length * 2];
      for (long d : old) {
        if (d != 0) {
          slots[indexOf(d)] = d;
        }
      }
    }

    private static int spread(long d) {
      return (int) (d ^ (d >>> 32));
    }
  }
}
