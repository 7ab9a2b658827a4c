package io.tkms.adapter.hsa.pkcs11;

import io.tkms.adapter.hsa.KeyringHsa;
import io.tkms.crypto.Pkcs11Token;
import io.tkms.crypto.SecureRandomSource;
import io.tkms.error.KmsException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PKCS#11 seal: every root-key version is a token object labelled {@code <label>-v<n>} that
 * never leaves the token; wrapping is AES-256-GCM inside the token, in the same format and with the
 * same contexts as the software seal. Postgres records only which versions exist.
 *
 * <p>Randomness: new key material (CMK versions, credential secrets) is the process DRBG's output
 * XORed with the token's generator, so it is as strong as the stronger of the two; every probe also
 * reseeds the process DRBG with token output. Data keys and other per-request randomness come from
 * the process DRBG alone, so cached keys keep serving while the token is away.
 *
 * <p>While the token does not answer, operations that need it fail with INTERNAL_ERROR and {@link
 * #up()} is false; the periodic {@link #probe()} logs in again or loads the module afresh and
 * brings it back without a restart.
 */
public final class Pkcs11Hsa extends KeyringHsa {
  private static final Logger LOG = LoggerFactory.getLogger(Pkcs11Hsa.class);
  public static final String CUSTODY = "pkcs11";

  private final Pkcs11Token token;
  private final SecureRandomSource drbg;
  private volatile boolean up = true;

  public Pkcs11Hsa(Pkcs11Token token, SecureRandomSource drbg) {
    this.token = token;
    this.drbg = drbg;
  }

  /** The token, for start-up checks and seal migration. */
  public Pkcs11Token token() {
    return token;
  }

  @Override
  public String custody() {
    return CUSTODY;
  }

  @Override
  public byte[] create(int version) {
    try {
      token.generate(version);
    } catch (Pkcs11Token.TokenException e) {
      throw KmsException.internal(e.getMessage());
    }
    hold(version, new TokenKey(version));
    return null;
  }

  /** Adds version {@code version}, whose object must be in the token. */
  @Override
  public void open(int version, byte[] stored) {
    boolean has;
    try {
      has = token.has(version);
    } catch (Pkcs11Token.TokenException e) {
      setUp(false);
      throw KmsException.internal("the HSA does not answer");
    }
    if (!has) {
      throw KmsException.internal("the token holds no object labelled " + token.label(version));
    }
    hold(version, new TokenKey(version));
  }

  @Override
  public boolean destroy(int version) {
    forget(version);
    return token.delete(version);
  }

  @Override
  public byte[] keyringSeal() {
    return null;
  }

  @Override
  public void close() {
    token.close();
  }

  @Override
  public boolean up() {
    return up;
  }

  @Override
  public boolean probe() {
    boolean answers = token.probe(versions());
    if (answers) {
      try {
        byte[] extra = new byte[32];
        token.random(extra);
        drbg.mix(extra);
        Arrays.fill(extra, (byte) 0);
      } catch (Pkcs11Token.TokenException e) {
        answers = false;
      }
    }
    setUp(answers);
    return answers;
  }

  private void setUp(boolean answers) {
    if (up != answers) {
      if (answers) {
        LOG.info("the PKCS#11 token answers again");
      } else {
        LOG.error("the PKCS#11 token does not answer: keys not in the cache cannot be opened");
      }
    }
    up = answers;
  }

  @Override
  public Wrapped generateWrapped(String context, int length) {
    byte[] material = new byte[length];
    byte[] mix = new byte[length];
    try {
      drbg.nextBytes(material);
      try {
        token.random(mix);
      } catch (Pkcs11Token.TokenException e) {
        setUp(false);
        throw KmsException.internal("the HSA does not answer");
      }
      for (int i = 0; i < length; i++) {
        material[i] ^= mix[i];
      }
      return wrap(material, context);
    } finally {
      Arrays.fill(material, (byte) 0);
      Arrays.fill(mix, (byte) 0);
    }
  }

  @Override
  public void random(byte[] out) {
    drbg.nextBytes(out);
  }

  /** A version's key: the token object. */
  private final class TokenKey implements VersionKey {
    private final int version;

    TokenKey(int version) {
      this.version = version;
    }

    /**
     * Seals, then opens the result again before anyone stores it: a token that ignored the caller's
     * nonce (some HSMs choose their own GCM IV) would otherwise return wraps that never open, and a
     * re-wrap would destroy material with them.
     */
    @Override
    public byte[] seal(byte[] nonce, byte[] plaintext, byte[] aad) {
      try {
        byte[] out = token.seal(version, nonce, plaintext, aad);
        byte[] back = token.open(version, nonce, out, 0, out.length, aad);
        boolean same = java.security.MessageDigest.isEqual(back, plaintext);
        Arrays.fill(back, (byte) 0);
        if (!same) {
          throw wrapDoesNotOpen();
        }
        setUp(true);
        return out;
      } catch (Pkcs11Token.IntegrityException e) {
        throw wrapDoesNotOpen();
      } catch (Pkcs11Token.MissingKeyException e) {
        throw KmsException.internal("the HSA holds no key for this root-key version");
      } catch (Pkcs11Token.TokenException e) {
        setUp(false);
        throw KmsException.internal("the HSA does not answer");
      }
    }

    private KmsException wrapDoesNotOpen() {
      LOG.error(
          "the PKCS#11 token's AES-GCM output does not open again under the same nonce (does it"
              + " choose its own IV?): nothing is wrapped with it");
      return KmsException.internal("the HSA's wrap does not open again");
    }

    @Override
    public byte[] open(byte[] nonce, byte[] in, int off, int len, byte[] aad) {
      try {
        byte[] out = token.open(version, nonce, in, off, len, aad);
        setUp(true);
        return out;
      } catch (Pkcs11Token.IntegrityException e) {
        throw KmsException.internal("wrapped material failed its integrity check");
      } catch (Pkcs11Token.MissingKeyException e) {
        throw KmsException.internal("the HSA holds no key for this root-key version");
      } catch (Pkcs11Token.TokenException e) {
        setUp(false);
        throw KmsException.internal("the HSA does not answer");
      }
    }

    @Override
    public void forget() {
      // The key is the token object: nothing of it is in this process.
    }
  }
}
