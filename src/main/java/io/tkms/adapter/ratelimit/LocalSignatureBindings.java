package io.tkms.adapter.ratelimit;

import io.tkms.application.port.SignatureBindings;
import io.tkms.crypto.Hmacs;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * In-process {@link SignatureBindings}, in primitive maps grouped by expiry second as {@link
 * LocalReplayGuard} groups its triples (no object per entry; a look-up touches one group; a
 * second's group is dropped whole {@value LocalReplayGuard#GRACE_SECONDS} s after it has passed):
 * for each signature (its first 64 bits) the second of its first use, and each (signature, binding)
 * pair it has run as. A new binding is admitted within {@value #REBIND_SECONDS} s of the
 * signature's first use (an SDK signs {@code DisableKey {"KeyId": k}} and {@code DescribeKey
 * {"KeyId": k}} sent in one second identically) and refused afterwards. A TC3 signature is an
 * HMAC-SHA256 under the caller's key, so its first 64 bits cannot be chosen; two signatures sharing
 * them (about n / 2^64 for n entries) can only make a request look rebound and be refused. Past
 * {@code maxEntries} a new entry is refused (INTERNAL_ERROR, counted), never one forgotten early.
 * Thread safe: one lock.
 */
public final class LocalSignatureBindings implements SignatureBindings {
  /**
   * Seconds after a signature's first use during which it may still run as something else: the
   * requests a client signs within one second with identical bodies (the SDKs do not sign the
   * action) reach the server within about that long.
   */
  public static final long REBIND_SECONDS = 2;

  private final Clock clock;
  private final long maxEntries;
  private final TreeMap<Long, Group> byExpiry = new TreeMap<>();
  private final LongAdder full = new LongAdder();
  private long entries;
  private long latest = Long.MIN_VALUE;

  public LocalSignatureBindings(Clock clock, long maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1");
    }
    this.clock = clock;
    this.maxEntries = maxEntries;
  }

  /** What {@link #bindHere} found. */
  enum Outcome {
    FIRST,
    SAME,
    OTHER,
    FULL
  }

  @Override
  public Future<Boolean> bind(String signature, String binding, long expiresAtEpochSecond) {
    return switch (bindHere(signature, binding, expiresAtEpochSecond)) {
      case FIRST, SAME -> YES;
      case OTHER -> NO;
      case FULL -> full();
    };
  }

  static final Future<Boolean> YES = Future.succeededFuture(true);
  static final Future<Boolean> NO = Future.succeededFuture(false);

  /** The refusal of a full store. */
  static Future<Boolean> full() {
    return Future.failedFuture(
        ErrorCode.INTERNAL_ERROR.exception(
            "the signature store is full (KMS_AUTH_SIGNATURE_CACHE_SIZE)"));
  }

  /** Binds {@code signature} to {@code binding} in this process (see the class comment). */
  Outcome bindHere(String signature, String binding, long expiresAtEpochSecond) {
    long sig = signatureBits(signature);
    long pair = pairBits(sig, bindingBits(binding));
    synchronized (this) {
      if (expiresAtEpochSecond < advance()) {
        // Its second is no longer remembered (the timestamp window refuses such requests earlier,
        // except around a clock step): refuse, never admit unchecked.
        return Outcome.OTHER;
      }
      Group g = byExpiry.get(expiresAtEpochSecond);
      if (g != null && g.pairs.contains(pair)) {
        return Outcome.SAME;
      }
      long firstUse = g == null ? 0 : g.firstUse.get(sig);
      if (firstUse != 0 && latest - firstUse > REBIND_SECONDS) {
        return Outcome.OTHER;
      }
      int added = firstUse == 0 ? 2 : 1;
      if (entries + added > maxEntries) {
        full.increment();
        return Outcome.FULL;
      }
      if (g == null) {
        g = new Group();
        byExpiry.put(expiresAtEpochSecond, g);
      }
      if (firstUse == 0) {
        g.firstUse.put(sig, latest);
      }
      g.pairs.add(pair);
      entries += added;
      return Outcome.FIRST;
    }
  }

  /**
   * Records that another replica decided {@code signature} may not run as {@code binding}: this
   * replica forgets that it allowed the pair, so a repeat is asked again.
   */
  synchronized void forget(String signature, String binding, long expiresAtEpochSecond) {
    Group g = byExpiry.get(expiresAtEpochSecond);
    if (g != null && g.pairs.remove(pairBits(signatureBits(signature), bindingBits(binding)))) {
      entries--;
    }
  }

  @Override
  public long refusedFull() {
    return full.sum();
  }

  /** Signatures currently remembered (for tests). */
  public synchronized long size() {
    advance();
    return entries;
  }

  private long advance() {
    latest = Math.max(latest, Math.floorDiv(clock.millis(), 1000));
    long oldestKept = latest - LocalReplayGuard.GRACE_SECONDS;
    Map.Entry<Long, Group> first;
    while ((first = byExpiry.firstEntry()) != null && first.getKey() < oldestKept) {
      entries -= first.getValue().size();
      byExpiry.pollFirstEntry();
    }
    return oldestKept;
  }

  /** The signature's first 64 bits (it is hex); never 0, which marks a free slot. */
  static long signatureBits(String signature) {
    long d = 0;
    int n = Math.min(16, signature.length());
    for (int i = 0; i < n; i++) {
      int v = Character.digit(signature.charAt(i), 16);
      d = (d << 4) | (v < 0 ? 0 : v);
    }
    if (n < 16 || d == 0) {
      // Not a TC3 signature's hex (cannot pass verification); hash it rather than trust it.
      d = bits(Hmacs.sha256(signature.getBytes(StandardCharsets.UTF_8)));
    }
    return d == 0 ? 1 : d;
  }

  /** 64 bits of the binding's SHA-256; never 0. */
  static long bindingBits(String binding) {
    Long known = BINDING_BITS.get(binding);
    if (known != null) {
      return known;
    }
    long d = bits(Hmacs.sha256(binding.getBytes(StandardCharsets.UTF_8)));
    d = d == 0 ? 1 : d;
    // Actions × regions × versions that ran: a few hundred; the bound only stops a flood of names.
    if (BINDING_BITS.size() < MAX_CACHED_BINDINGS) {
      BINDING_BITS.put(binding, d);
    }
    return d;
  }

  /** The digests of the bindings seen so far (a SHA-256 per request would cost ~0.5 µs). */
  private static final ConcurrentHashMap<String, Long> BINDING_BITS = new ConcurrentHashMap<>();

  private static final int MAX_CACHED_BINDINGS = 4096;

  /** 64 bits naming a (signature, binding) pair (a 64-bit mix of the two; never 0). */
  static long pairBits(long sig, long binding) {
    long z = sig ^ (binding * 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    z ^= z >>> 33;
    return z == 0 ? 1 : z;
  }

  private static long bits(byte[] h) {
    long d = 0;
    for (int i = 0; i < 8; i++) {
      d = (d << 8) | (h[i] & 0xFF);
    }
    return d;
  }

  /** One expiry second's entries. */
  static final class Group {
    final DigestMap firstUse = new DigestMap();
    final DigestMap pairs = new DigestMap();

    int size() {
      return firstUse.size() + pairs.size();
    }
  }

  /**
   * An open-addressing map of non-zero 64-bit keys to non-zero values (a set when the values are
   * 1); removal leaves a tombstone.
   */
  static final class DigestMap {
    private long[] keys = new long[8];
    private long[] values = new long[8];
    private int size;
    private int used;

    int size() {
      return size;
    }

    /** The value of {@code k}, or 0. */
    long get(long k) {
      int i = indexOf(k);
      return keys[i] == k ? values[i] : 0;
    }

    boolean contains(long k) {
      return get(k) != 0;
    }

    void add(long k) {
      put(k, 1);
    }

    void put(long k, long v) {
      if ((used + 1) * 2 > keys.length) {
        grow();
      }
      int i = indexOf(k);
      if (keys[i] != k) {
        keys[i] = k;
        used++;
        size++;
      } else if (values[i] == 0) {
        size++;
      }
      values[i] = v;
    }

    /** Removes {@code k} (its slot stays taken until the map grows); whether it was there. */
    boolean remove(long k) {
      int i = indexOf(k);
      if (keys[i] != k || values[i] == 0) {
        return false;
      }
      values[i] = 0;
      size--;
      return true;
    }

    private int indexOf(long k) {
      int mask = keys.length - 1;
      int i = (int) (k ^ (k >>> 32)) & mask;
      while (keys[i] != 0 && keys[i] != k) {
        i = (i + 1) & mask;
      }
      return i;
    }

    private void grow() {
      long[] oldKeys = keys;
      long[] oldValues = values;
      keys = new long[oldKeys.length * 2];
      values = new long[oldKeys.length * 2];
      used = 0;
      for (int j = 0; j < oldKeys.length; j++) {
        if (oldKeys[j] != 0 && oldValues[j] != 0) {
          int i = indexOf(oldKeys[j]);
          keys[i] = oldKeys[j];
          values[i] = oldValues[j];
          used++;
        }
      }
    }
  }
}
