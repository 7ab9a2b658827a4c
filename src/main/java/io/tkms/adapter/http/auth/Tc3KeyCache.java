package io.tkms.adapter.http.auth;

import com.github.benmanes.caffeine.cache.Cache;
import io.tkms.application.Caches;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * TC3 signing keys, derived once per (SecretId, credential version, scope date, scope service)
 * instead of three HMACs per request, and cached <b>only after a signature made with them has
 * verified</b>: a client that does not hold the secret cannot fill the cache, whatever SecretIds,
 * dates and services it sends.
 *
 * <p>Bounded (default 100,000 entries) and expiring 2 days after the write (a scope date is valid
 * for one UTC day, plus slack for clock skew around midnight).
 *
 * <p>The {@code credentialVersion} must change whenever the secret behind a SecretId changes (a
 * generation counter or a fingerprint of the secret): within one version a cached key wins over the
 * {@code secretKey} passed in, so a stale version would keep accepting the old secret. Revoked or
 * disabled credentials must be refused before {@link #verify} is called (or dropped with {@link
 * #invalidate}).
 *
 * <p>Secrets: the caller keeps ownership of {@code secretKey} (read, never kept). Derived keys are
 * secret too: they never leave this class and print redacted. They are <em>not</em> zeroed on
 * eviction, because another thread may be verifying with the very array at that moment; each is
 * scoped to one credential, one day and one service, and is left to the garbage collector.
 *
 * <p>Thread safe; never blocks (three HMACs on a miss). Throws no {@code KmsException}.
 */
public final class Tc3KeyCache {
  /** Default bound on cached keys. */
  public static final long DEFAULT_MAXIMUM_SIZE = 100_000;

  /** Default lifetime of a cached key, counted from its first successful use. */
  public static final Duration DEFAULT_TTL = Duration.ofDays(2);

  private record CacheKey(String secretId, long credentialVersion, String date, String service) {}

  /** A derived signing key; the array is never handed out. */
  private static final class SigningKey {
    private final byte[] bytes;

    SigningKey(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public String toString() {
      return "SigningKey[redacted]";
    }
  }

  private final Cache<CacheKey, SigningKey> cache;

  /** A cache with {@link #DEFAULT_MAXIMUM_SIZE} and {@link #DEFAULT_TTL}. */
  public Tc3KeyCache() {
    this(DEFAULT_MAXIMUM_SIZE, DEFAULT_TTL);
  }

  public Tc3KeyCache(long maximumSize, Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    this.cache = Caches.onCallingThread().maximumSize(maximumSize).expireAfterWrite(ttl).build();
  }

  /**
   * Whether {@code hexSignature} signs {@code stringToSign} under the signing key of this
   * credential and scope.
   *
   * @param secretKey the credential's SecretKey (UTF-8 bytes), used only on a cache miss
   * @see #verifyAny
   */
  public boolean verify(
      String secretId,
      long credentialVersion,
      byte[] secretKey,
      String date,
      String service,
      String stringToSign,
      String hexSignature) {
    return verifyAny(
        secretId, credentialVersion, secretKey, date, service, List.of(stringToSign), hexSignature);
  }

  /**
   * Whether {@code hexSignature} signs any of {@code stringsToSign} (see {@link
   * Tc3Signature#stringsToSign}) under the signing key of this credential and scope. Uses the
   * cached key when there is one; otherwise derives it and caches it only if it verified.
   */
  public boolean verifyAny(
      String secretId,
      long credentialVersion,
      byte[] secretKey,
      String date,
      String service,
      List<String> stringsToSign,
      String hexSignature) {
    CacheKey id = new CacheKey(secretId, credentialVersion, date, service);
    SigningKey cached = cache.getIfPresent(id);
    byte[] key = cached != null ? cached.bytes : Tc3Signature.signingKey(secretKey, date, service);
    for (String sts : stringsToSign) {
      if (Tc3Signature.verify(key, sts, hexSignature)) {
        if (cached == null) {
          cache.put(id, new SigningKey(key));
        }
        return true;
      }
    }
    if (cached == null) {
      Arrays.fill(key, (byte) 0); // never shared: safe to wipe
    }
    return false;
  }

  /** Drops every cached key of {@code secretId} (e.g. when it is revoked in this process). */
  public void invalidate(String secretId) {
    cache.asMap().keySet().removeIf(k -> k.secretId().equals(secretId));
  }

  /** Number of cached keys, after pending evictions ran (for tests). */
  long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  @Override
  public String toString() {
    return "Tc3KeyCache[" + cache.estimatedSize() + " keys, redacted]";
  }
}
