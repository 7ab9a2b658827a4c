package io.tkms.crypto;

import java.security.SecureRandom;
import java.security.SecureRandomParameters;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The one owner of a {@link SecureRandom} in the server; reach it through {@link
 * RandomSource#secure()}: a DRBG at 256-bit strength, reseeded from the operating system's entropy
 * every {@value #RESEED_DRAWS} draws or every hour, whichever comes first (NIST SP 800-90A allows
 * far more; a bounded interval limits what one leaked internal state reveals).
 *
 * <p>Threading: thread safe. The underlying DRBG is declared thread safe by the JDK, so one shared
 * instance serves every thread; one of the threads that find a reseed due performs it. Throws no
 * {@code ErrorCode}.
 */
public final class SecureRandomSource implements RandomSource {
  /** Draws between reseeds: 2^20. */
  static final long RESEED_DRAWS = 1L << 20;

  /** Longest time between reseeds. */
  static final long RESEED_NANOS = TimeUnit.HOURS.toNanos(1);

  static final SecureRandomSource INSTANCE =
      new SecureRandomSource(Jca.newSecureRandom(), System::nanoTime);

  /** The process-wide instance (what {@link RandomSource#secure()} returns), typed. */
  public static SecureRandomSource process() {
    return INSTANCE;
  }

  private final SecureRandom random;
  private final LongSupplier nanoTime;
  private final AtomicLong draws = new AtomicLong();
  private final AtomicLong reseeds = new AtomicLong();
  private volatile long lastReseed;
  private volatile long reseedAtDraw = RESEED_DRAWS;

  SecureRandomSource(SecureRandom random, LongSupplier nanoTime) {
    this.random = random;
    this.nanoTime = nanoTime;
    this.lastReseed = nanoTime.getAsLong();
  }

  @Override
  public void nextBytes(byte[] out) {
    if (draws.incrementAndGet() >= reseedAtDraw
        || nanoTime.getAsLong() - lastReseed >= RESEED_NANOS) {
      reseedIfDue();
    }
    random.nextBytes(out);
  }

  private synchronized void reseedIfDue() {
    long n = draws.get();
    long now = nanoTime.getAsLong();
    // Several threads may find it due at once: the first one reseeds, the others see it done.
    if (n >= reseedAtDraw || now - lastReseed >= RESEED_NANOS) {
      random.reseed();
      lastReseed = now;
      reseedAtDraw = n + RESEED_DRAWS;
      reseeds.incrementAndGet();
    }
  }

  /**
   * Reseeds now from the operating system's entropy with {@code additionalInput} mixed in (a
   * token's generator): the output stays at least as strong as either source.
   */
  public synchronized void mix(byte[] additionalInput) {
    random.reseed(java.security.DrbgParameters.reseed(false, additionalInput));
    lastReseed = nanoTime.getAsLong();
    reseedAtDraw = draws.get() + RESEED_DRAWS;
    reseeds.incrementAndGet();
  }

  /** The DRBG's instantiation (strength, capability), for checks. */
  SecureRandomParameters parameters() {
    return random.getParameters();
  }

  /** Reseeds so far, for tests. */
  long reseeds() {
    return reseeds.get();
  }

  @Override
  public String toString() {
    return "SecureRandomSource[" + random.getAlgorithm() + "]";
  }
}
