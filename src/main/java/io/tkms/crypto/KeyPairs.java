package io.tkms.crypto;

import io.tkms.domain.KeyUsage;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;

/**
 * Generates the key pair of an asymmetric CMK: RSA-2048 (e = 65537) and ECDSA P-256/P-384 by the
 * JDK, SM2 (sm2p256v1) by BouncyCastle. Blocking (RSA takes 0.1–0.3 s): call on a worker. Thread
 * safe.
 */
public final class KeyPairs {
  private KeyPairs() {}

  /**
   * A new key pair's encodings; the caller owns {@code pkcs8} (the private key) and zeroes it.
   *
   * @param spki the public key, DER SubjectPublicKeyInfo
   * @param pkcs8 the private key, DER PKCS#8 PrivateKeyInfo
   */
  public record Generated(byte[] spki, byte[] pkcs8) implements AutoCloseable {
    /** Zeroes the private key's bytes. */
    @Override
    public void close() {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  /**
   * A fresh key pair for {@code usage}, its randomness from {@code random} (the HSA's generator).
   *
   * @throws IllegalArgumentException for the symmetric usage
   */
  public static Generated generate(KeyUsage usage, java.util.function.Consumer<byte[]> random) {
    SecureRandom rng = Jca.fromSource(random);
    try {
      KeyPairGenerator g;
      switch (usage.family()) {
        case RSA -> {
          g = Jca.keyPairGenerator("RSA");
          g.initialize(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4), rng);
        }
        case EC_P256 -> {
          g = Jca.keyPairGenerator("EC");
          g.initialize(new ECGenParameterSpec("secp256r1"), rng);
        }
        case EC_P384 -> {
          g = Jca.keyPairGenerator("EC");
          g.initialize(new ECGenParameterSpec("secp384r1"), rng);
        }
        case SM2 -> {
          g = Jca.keyPairGenerator("SM2");
          g.initialize(new ECGenParameterSpec("sm2p256v1"), rng);
        }
        default -> throw new IllegalArgumentException("not an asymmetric usage: " + usage);
      }
      KeyPair kp = g.generateKeyPair();
      return new Generated(kp.getPublic().getEncoded(), kp.getPrivate().getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("key generation failed for " + usage, e);
    }
  }
}
