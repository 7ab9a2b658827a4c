package io.tkms.crypto;

import java.security.DrbgParameters;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.Mac;

/**
 * The only place that asks the JCA for engines ({@link Cipher}, {@link Mac}, {@link MessageDigest},
 * {@link SecureRandom}).
 *
 * <p>Providers are pinned by name ({@code SunJCE}, {@code SUN}) so that a third-party provider
 * registered with a higher priority (for example BouncyCastle, which other parts of the server may
 * load) can never silently take over the primitives the ciphertext format depends on.
 *
 * <p>Threading: JCA engines are not thread safe, so each thread gets its own instance through a
 * {@link ThreadLocal}. Callers must fully initialise the engine they get before each use and must
 * not hand it to another thread. Engines are created lazily; a missing provider or algorithm (a
 * broken JDK) surfaces as {@link IllegalStateException}. No {@code ErrorCode} is thrown here.
 */
final class Jca {
  static final String AES_GCM = "AES/GCM/NoPadding";
  static final String HMAC_SHA256 = "HmacSHA256";
  static final String HMAC_SHA1 = "HmacSHA1";
  static final String SHA256 = "SHA-256";

  private static final String SUN_JCE = "SunJCE";
  private static final String SUN = "SUN";

  /**
   * One thread's engines, created on first use. One {@link ThreadLocal} for all of them: a request
   * uses several engines, and each thread-local look-up probes a map that Netty, Jackson and
   * Logback share with us.
   */
  private static final class Engines {
    Cipher aesGcm;
    Mac hmacSha256;
    Mac hmacSha1;
    MessageDigest sha256;
  }

  private static final ThreadLocal<Engines> ENGINES = ThreadLocal.withInitial(Engines::new);

  private Jca() {}

  /** This thread's AES/GCM/NoPadding engine (SunJCE). Must be {@code init}-ed before each use. */
  static Cipher aesGcm() {
    Engines e = ENGINES.get();
    if (e.aesGcm == null) {
      e.aesGcm = newAesGcm();
    }
    return e.aesGcm;
  }

  /**
   * Replaces this thread's AES-GCM engine with a fresh one and returns it: for tests only.
   *
   * <p>SunJCE refuses to encrypt twice in a row with the same key and IV on one {@link Cipher}
   * object, and the server treats that refusal as the bug it would be. A test that repeats an
   * encryption on purpose (known-answer vectors, a deterministic random source) calls this first.
   */
  static Cipher freshAesGcm() {
    Cipher cipher = newAesGcm();
    ENGINES.get().aesGcm = cipher;
    return cipher;
  }

  /** This thread's HmacSHA256 engine (SunJCE). Must be {@code init}-ed before each use. */
  static Mac hmacSha256() {
    Engines e = ENGINES.get();
    if (e.hmacSha256 == null) {
      e.hmacSha256 = newMac(HMAC_SHA256);
    }
    return e.hmacSha256;
  }

  /** This thread's HmacSHA1 engine (SunJCE). Must be {@code init}-ed before each use. */
  static Mac hmacSha1() {
    Engines e = ENGINES.get();
    if (e.hmacSha1 == null) {
      e.hmacSha1 = newMac(HMAC_SHA1);
    }
    return e.hmacSha1;
  }

  /** This thread's SHA-256 digest (SUN), reset before it is returned. */
  static MessageDigest sha256() {
    Engines e = ENGINES.get();
    if (e.sha256 == null) {
      e.sha256 = newSha256();
    }
    MessageDigest digest = e.sha256;
    // A previous caller may have died between update() and digest(); never inherit its state.
    digest.reset();
    return digest;
  }

  /**
   * A new DRBG {@link SecureRandom} from the SUN provider, instantiated at 256-bit security
   * strength with reseeding (the JDK's default instantiation is 128-bit), seeded from the operating
   * system's entropy. DRBG is declared thread safe, so one instance may be shared without external
   * locking, and it exists on every platform (unlike NativePRNG).
   */
  static SecureRandom newSecureRandom() {
    try {
      return SecureRandom.getInstance(
          "DRBG",
          DrbgParameters.instantiation(
              256,
              DrbgParameters.Capability.RESEED_ONLY,
              "tkms".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
          SUN);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK DRBG SecureRandom is unavailable", e);
    }
  }

  /**
   * An AES/GCM/NoPadding engine of a PKCS#11 provider (its keys live in the token). {@code
   * AES/GCM}, not {@code AES_256/GCM}: a key found through the provider's key store reports its
   * size wrongly and the sized name refuses it.
   */
  static Cipher aesGcm(java.security.Provider pkcs11) throws GeneralSecurityException {
    return Cipher.getInstance(AES_GCM, pkcs11);
  }

  /** A PKCS#11 provider's AES key generator (its keys are created inside the token). */
  static javax.crypto.KeyGenerator aesKeyGenerator(java.security.Provider pkcs11)
      throws GeneralSecurityException {
    return javax.crypto.KeyGenerator.getInstance("AES", pkcs11);
  }

  /** A PKCS#11 provider's random generator (the token's). */
  static SecureRandom tokenRandom(java.security.Provider pkcs11) throws GeneralSecurityException {
    return SecureRandom.getInstance("PKCS11", pkcs11);
  }

  /** A PKCS#11 provider's key store: the token's objects, by label. */
  static java.security.KeyStore tokenKeyStore(java.security.Provider pkcs11)
      throws GeneralSecurityException {
    return java.security.KeyStore.getInstance("PKCS11", pkcs11);
  }

  // ---- Asymmetric keys. A new engine per call: these operations cost 0.1–1 ms, far more than the
  // look-up, and a fresh engine carries no state from a previous key.

  /** Providers of the asymmetric engines, pinned like the others. */
  static final String SUN_RSA_SIGN = "SunRsaSign";

  static final String SUN_EC = "SunEC";

  /** BouncyCastle's provider for SM2 key generation: never registered, always passed explicitly. */
  private static final class Bc {
    static final java.security.Provider PROVIDER =
        new org.bouncycastle.jce.provider.BouncyCastleProvider();
  }

  /** A key-pair generator: {@code RSA} (SunRsaSign), {@code EC} (SunEC), {@code SM2} (BC EC). */
  static java.security.KeyPairGenerator keyPairGenerator(String algorithm) {
    try {
      return switch (algorithm) {
        case "RSA" -> java.security.KeyPairGenerator.getInstance("RSA", SUN_RSA_SIGN);
        case "EC" -> java.security.KeyPairGenerator.getInstance("EC", SUN_EC);
        case "SM2" -> java.security.KeyPairGenerator.getInstance("EC", Bc.PROVIDER);
        default -> throw new IllegalArgumentException(algorithm);
      };
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " key generation is unavailable", e);
    }
  }

  /** A key factory: {@code RSA} (SunRsaSign) or {@code EC} (SunEC). */
  static java.security.KeyFactory keyFactory(String algorithm) {
    try {
      return java.security.KeyFactory.getInstance(
          algorithm, "RSA".equals(algorithm) ? SUN_RSA_SIGN : SUN_EC);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " key factory is unavailable", e);
    }
  }

  /**
   * A signature engine: {@code NONEwithECDSA} (SunEC) or {@code NONEwithRSA} (SunJCE: raw PKCS#1
   * v1.5 over the bytes given, the DigestInfo prepended by the caller).
   */
  static java.security.Signature signature(String algorithm) {
    try {
      return java.security.Signature.getInstance(
          algorithm, algorithm.endsWith("ECDSA") ? SUN_EC : SUN_JCE);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is unavailable", e);
    }
  }

  /**
   * An RSA cipher of SunJCE: {@code RSA/ECB/PKCS1Padding}, {@code OAEPPadding}, {@code NoPadding}.
   */
  static Cipher rsa(String transformation) {
    try {
      return Cipher.getInstance(transformation, SUN_JCE);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(transformation + " is unavailable", e);
    }
  }

  /** A new digest of the SUN provider ({@code SHA-256}, {@code SHA-384}). */
  static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm, SUN);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is unavailable", e);
    }
  }

  /**
   * A {@link SecureRandom} that draws every byte from {@code source} (the HSA's random generator):
   * for the JCA and BouncyCastle engines that take one (key generation, ECDSA and SM2 nonces, PSS
   * salts, OAEP seeds). Thread safe when {@code source} is.
   */
  static SecureRandom fromSource(java.util.function.Consumer<byte[]> source) {
    return new SourceRandom(source);
  }

  private static final class SourceRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;

    SourceRandom(java.util.function.Consumer<byte[]> source) {
      super(new SourceSpi(source), null);
    }
  }

  private static final class SourceSpi extends java.security.SecureRandomSpi {
    private static final long serialVersionUID = 1L;
    private final transient java.util.function.Consumer<byte[]> source;

    SourceSpi(java.util.function.Consumer<byte[]> source) {
      this.source = source;
    }

    @Override
    protected void engineSetSeed(byte[] seed) {
      // The source seeds itself; extra seed material is not needed.
    }

    @Override
    protected void engineNextBytes(byte[] bytes) {
      source.accept(bytes);
    }

    @Override
    protected byte[] engineGenerateSeed(int numBytes) {
      byte[] out = new byte[numBytes];
      source.accept(out);
      return out;
    }
  }

  /** A new AES/GCM/NoPadding engine (SunJCE) that no thread caches. */
  static Cipher newAesGcm() {
    try {
      return Cipher.getInstance(AES_GCM, SUN_JCE);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK " + AES_GCM + " is unavailable", e);
    }
  }

  private static Mac newMac(String algorithm) {
    try {
      return Mac.getInstance(algorithm, SUN_JCE);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK " + algorithm + " is unavailable", e);
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance(SHA256, SUN);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK " + SHA256 + " is unavailable", e);
    }
  }
}
