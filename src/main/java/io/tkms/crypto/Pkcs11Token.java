package io.tkms.crypto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A PKCS#11 token holding root-key versions as AES-256 objects labelled {@code <prefix>-v<n>},
 * through the JDK's SunPKCS11 provider. Keys are created sensitive and non-extractable (the
 * provider's attribute templates for generation and import say so, since token defaults differ);
 * only AES-GCM runs on them, with the caller's 12-byte nonce. The token's generator is reachable
 * for mixing into key material.
 *
 * <p>Sessions: SunPKCS11 pools them. When an operation finds its key handle invalid (the token
 * logged out, or went away), the key store is logged in again and the keys fetched again, once; if
 * that fails the token is reported down and {@code recover} (called by the periodic probe) loads
 * the module afresh: some modules (SoftHSM2) keep a token they lost as broken for the life of the
 * process, so a new provider on the same library cannot recover it, while a copy of the library is
 * initialised anew. The copy is deleted once loaded.
 *
 * <p>The PIN is kept (as chars) for those re-logins, and never printed. Blocking throughout; call
 * from the crypto executor. Throws {@link TokenException} with a message safe to print.
 */
public final class Pkcs11Token implements AutoCloseable {
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  private static final AtomicInteger GENERATION = new AtomicInteger();

  private final Path library;
  private final int slotIndex;
  private final char[] pin;
  private final String prefix;
  private final Path scratch;
  private volatile Session session;

  /** One provider instance, logged in, and the version keys found through it. */
  private record Session(Provider provider, KeyStore store, Map<Integer, Key> keys) {}

  /** A GCM engine and the provider (session) it belongs to. */
  private record Engine(Provider provider, Cipher cipher) {}

  /** This thread's GCM engine, for the provider it was made for. */
  private static final ThreadLocal<Engine> ENGINES = new ThreadLocal<>();

  /** A failure of the token; the message names no secret. */
  public static final class TokenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TokenException(String message) {
      super(message, null, false, false);
    }
  }

  /** A wrapped value that fails its integrity check under a working token. */
  public static final class IntegrityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    IntegrityException() {
      super("wrapped material failed its integrity check", null, false, false);
    }
  }

  private Pkcs11Token(Path library, int slotIndex, char[] pin, String prefix, Path scratch) {
    this.library = library;
    this.slotIndex = slotIndex;
    this.pin = pin;
    this.prefix = prefix;
    this.scratch = scratch;
  }

  /**
   * Opens slot {@code slotIndex} of {@code library} and logs in with {@code pin} (the token keeps
   * its own copy; the caller zeroes theirs). {@code scratch} is where fresh copies of the module go
   * on recovery.
   *
   * @throws TokenException when the module does not load or the PIN is refused
   */
  public static Pkcs11Token open(
      Path library, int slotIndex, char[] pin, String labelPrefix, Path scratch) {
    if (!Files.isRegularFile(library)) {
      throw new TokenException("the PKCS#11 module " + library + " does not exist");
    }
    Pkcs11Token t = new Pkcs11Token(library, slotIndex, pin.clone(), labelPrefix, scratch);
    t.session = t.login(t.provider(library));
    return t;
  }

  private Provider provider(Path module) {
    String config =
        "--name = tkms"
            + GENERATION.incrementAndGet()
            + "\nlibrary = "
            + module
            + "\nslotListIndex = "
            + slotIndex
            + "\nattributes(generate, CKO_SECRET_KEY, CKK_AES) = {\n  CKA_SENSITIVE = true\n"
            + "  CKA_EXTRACTABLE = false\n}\n"
            + "attributes(import, CKO_SECRET_KEY, CKK_AES) = {\n  CKA_SENSITIVE = true\n"
            + "  CKA_EXTRACTABLE = false\n}\n";
    Provider base = Security.getProvider("SunPKCS11");
    if (base == null) {
      throw new TokenException("this JDK has no SunPKCS11 provider (module jdk.crypto.cryptoki)");
    }
    try {
      return base.configure(config);
    } catch (RuntimeException e) {
      throw new TokenException(
          "cannot open slot index "
              + slotIndex
              + " of the PKCS#11 module "
              + module
              + ": "
              + cause(e));
    }
  }

  private Session login(Provider provider) {
    try {
      KeyStore ks = Jca.tokenKeyStore(provider);
      ks.load(null, pin);
      return new Session(provider, ks, new ConcurrentHashMap<>());
    } catch (IOException | GeneralSecurityException e) {
      throw new TokenException("the PKCS#11 token refused the login: " + cause(e));
    }
  }

  private static String cause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : " " + m);
  }

  /** The label of version {@code version}'s object. */
  public String label(int version) {
    return prefix + "-v" + version;
  }

  /** The versions whose objects the token holds (labels {@code <prefix>-v<n>}). */
  public SortedSet<Integer> versions() {
    Session s = session;
    try {
      TreeSet<Integer> out = new TreeSet<>();
      for (String alias : Collections.list(s.store().aliases())) {
        if (alias.startsWith(prefix + "-v")) {
          try {
            out.add(Integer.parseInt(alias.substring(prefix.length() + 2)));
          } catch (NumberFormatException e) {
            // not one of ours
          }
        }
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new TokenException("cannot list the token's objects: " + cause(e));
    }
  }

  /** Finds version {@code version}'s object. */
  public boolean has(int version) {
    return key(session, version) != null;
  }

  private static Key key(Session s, int version, String label) {
    Key k = s.keys().get(version);
    if (k != null) {
      return k;
    }
    try {
      k = s.store().getKey(label, null);
    } catch (GeneralSecurityException e) {
      return null;
    }
    if (k != null) {
      s.keys().put(version, k);
    }
    return k;
  }

  private Key key(Session s, int version) {
    return key(s, version, label(version));
  }

  /**
   * Generates version {@code version} inside the token (sensitive, non-extractable, local).
   *
   * @throws TokenException when an object with its label exists already (never overwritten: that
   *     would destroy a key) or the token refuses
   */
  public void generate(int version) {
    Session s = session;
    try {
      refuseExisting(s, version);
      KeyGenerator g = Jca.aesKeyGenerator(s.provider());
      g.init(256);
      SecretKey k = g.generateKey();
      s.store().setEntry(label(version), new KeyStore.SecretKeyEntry(k), null);
      s.keys().remove(version);
    } catch (GeneralSecurityException | RuntimeException e) {
      if (e instanceof TokenException t) {
        throw t;
      }
      throw new TokenException("the token could not generate a root key: " + cause(e));
    }
  }

  /**
   * Imports {@code raw} (32 bytes; the caller zeroes it) as version {@code version}, sensitive and
   * non-extractable from now on.
   *
   * @throws TokenException when an object with its label exists or the token refuses the import
   */
  public void importKey(int version, byte[] raw) {
    Session s = session;
    try {
      refuseExisting(s, version);
      s.store()
          .setEntry(
              label(version), new KeyStore.SecretKeyEntry(new SecretKeySpec(raw, "AES")), null);
      s.keys().remove(version);
    } catch (GeneralSecurityException | RuntimeException e) {
      if (e instanceof TokenException t) {
        throw t;
      }
      throw new TokenException("the token refused to import a root key: " + cause(e));
    }
  }

  private void refuseExisting(Session s, int version) throws GeneralSecurityException {
    if (s.store().containsAlias(label(version))) {
      throw new TokenException(
          "the token already holds an object labelled "
              + label(version)
              + ": it is never overwritten (another database's key? a half-finished migration?)");
    }
  }

  /** Deletes version {@code version}'s object; nothing when there is none. */
  public void delete(int version) {
    Session s = session;
    try {
      s.store().deleteEntry(label(version));
      s.keys().remove(version);
    } catch (GeneralSecurityException e) {
      throw new TokenException("the token could not delete " + label(version) + ": " + cause(e));
    }
  }

  /**
   * AES-256-GCM under version {@code version}: {@code ciphertext || tag}.
   *
   * @throws TokenException when the token does not answer (after one re-login)
   */
  public byte[] seal(int version, byte[] nonce, byte[] plaintext, byte[] aad) {
    return gcm(Cipher.ENCRYPT_MODE, version, nonce, plaintext, 0, plaintext.length, aad);
  }

  /**
   * Opens what {@link #seal} made.
   *
   * @throws IntegrityException when the bytes fail their check
   * @throws TokenException when the token does not answer (after one re-login)
   */
  public byte[] open(int version, byte[] nonce, byte[] in, int off, int len, byte[] aad) {
    return gcm(Cipher.DECRYPT_MODE, version, nonce, in, off, len, aad);
  }

  private byte[] gcm(int mode, int version, byte[] nonce, byte[] in, int off, int len, byte[] aad) {
    if (nonce.length != NONCE) {
      throw new IllegalArgumentException("AES-GCM nonce must be 12 bytes");
    }
    for (int attempt = 0; ; attempt++) {
      Session s = session;
      Key k = key(s, version);
      try {
        if (k == null) {
          throw new TokenException("the token holds no object labelled " + label(version));
        }
        Cipher c = engine(s.provider());
        c.init(mode, k, new GCMParameterSpec(TAG_BITS, nonce));
        c.updateAAD(aad);
        return c.doFinal(in, off, len);
      } catch (AEADBadTagException e) {
        throw new IntegrityException();
      } catch (GeneralSecurityException | RuntimeException e) {
        if (e instanceof IllegalArgumentException iae) {
          throw iae;
        }
        ENGINES.remove();
        if (attempt > 0) {
          throw e instanceof TokenException t
              ? t
              : new TokenException("the token did not answer: " + cause(e));
        }
        relogin(s);
      }
    }
  }

  @SuppressWarnings("ReferenceEquality") // one provider object per session, on purpose
  private static Cipher engine(Provider p) throws GeneralSecurityException {
    Engine e = ENGINES.get();
    if (e == null || e.provider() != p) {
      e = new Engine(p, Jca.aesGcm(p));
      ENGINES.set(e);
    }
    return e.cipher();
  }

  /** After a failure: log in again on the same provider and forget the key handles, once. */
  @SuppressWarnings("ReferenceEquality") // has another thread replaced this very session?
  private synchronized void relogin(Session failed) {
    if (session != failed) {
      return; // someone else already did
    }
    try {
      session = login(failed.provider());
    } catch (TokenException e) {
      // stays as it is; recover() tries a fresh module
    }
  }

  /**
   * Whether the token answers: every version in {@code expected} found and usable. When not, logs
   * in again, and then loads a fresh copy of the module; true once it answers again.
   */
  public synchronized boolean probe(SortedSet<Integer> expected) {
    if (works(session, expected)) {
      return true;
    }
    try {
      Session again = login(session.provider());
      if (works(again, expected)) {
        session = again;
        return true;
      }
    } catch (TokenException e) {
      // the module itself is gone for this provider
    }
    return recover(expected);
  }

  private boolean works(Session s, SortedSet<Integer> expected) {
    try {
      byte[] nonce = new byte[NONCE];
      for (int v : expected) {
        Key k = key(s, v);
        if (k == null) {
          return false;
        }
        Cipher c = Jca.aesGcm(s.provider());
        c.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(TAG_BITS, nonce));
        c.doFinal(new byte[0]);
      }
      if (expected.isEmpty()) {
        s.store().size();
      }
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private boolean recover(SortedSet<Integer> expected) {
    Path copy = null;
    try {
      Files.createDirectories(scratch);
      copy = Files.createTempFile(scratch, "pkcs11-", ".so");
      Files.copy(library, copy, StandardCopyOption.REPLACE_EXISTING);
      Session fresh = login(provider(copy));
      if (works(fresh, expected)) {
        session = fresh;
        return true;
      }
      return false;
    } catch (IOException | TokenException e) {
      return false;
    } finally {
      if (copy != null) {
        try {
          Files.deleteIfExists(copy); // the loaded module stays mapped
        } catch (IOException e) {
          // a stray copy in scratch costs disk only
        }
      }
    }
  }

  /** Fills {@code out} from the token's generator. */
  public void random(byte[] out) {
    try {
      SecureRandom r = Jca.tokenRandom(session.provider());
      r.nextBytes(out);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new TokenException("the token's random generator did not answer: " + cause(e));
    }
  }

  /**
   * True when version {@code version} is the AES key {@code raw}: both encrypt the same block and
   * the results agree (for migrations that find an object already there).
   */
  public boolean holds(int version, byte[] raw) {
    byte[] nonce = new byte[NONCE];
    byte[] probe = "tkms/root-key/compare".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] token = seal(version, nonce, probe, new byte[0]);
    byte[] soft = AesGcm.sealIsolated(raw, nonce, probe, new byte[0]);
    return ConstantTime.equals(token, soft);
  }

  @Override
  public void close() {
    Arrays.fill(pin, '\0');
  }

  @Override
  public String toString() {
    return "Pkcs11Token[" + library + ", slot index " + slotIndex + ", " + prefix + "]";
  }
}
