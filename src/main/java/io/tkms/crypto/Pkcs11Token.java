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

  /**
   * The versions whose objects the token holds (labels {@code <prefix>-v<n>}), as the token says
   * now (the key store is read afresh: another replica may have created or deleted some).
   */
  public SortedSet<Integer> versions() {
    Session s = refresh();
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
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new TokenException("cannot list the token's objects: " + cause(e));
    }
  }

  /**
   * Finds version {@code version}'s object; a miss reads the token afresh once (another replica may
   * have created it since this one last looked).
   */
  public boolean has(int version) {
    return key(session, version) != null || key(refresh(), version) != null;
  }

  private Key key(Session s, int version) {
    Key k = s.keys().get(version);
    if (k != null) {
      return k;
    }
    try {
      k = s.store().getKey(label(version), null);
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
    if (k != null) {
      s.keys().put(version, k);
    }
    return k;
  }

  /**
   * A fresh key store on the current provider: the provider's key store is a snapshot of the
   * token's objects taken when it was loaded.
   */
  private synchronized Session refresh() {
    Session fresh = login(session.provider());
    session = fresh;
    return fresh;
  }

  /**
   * Generates version {@code version} inside the token (sensitive, non-extractable, local).
   *
   * @throws TokenException when an object with its label exists already (never overwritten: that
   *     would destroy a key) or the token refuses
   */
  public void generate(int version) {
    Session s = refresh();
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
    Session s = refresh();
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
              + ": it is never overwritten (another database's key? a version whose record was"
              + " not written?); delete it with the token's tools if it is not in use");
    }
  }

  /**
   * Deletes version {@code version}'s object.
   *
   * @return whether there was one
   */
  public boolean delete(int version) {
    Session s = refresh();
    try {
      boolean present = s.store().containsAlias(label(version));
      s.store().deleteEntry(label(version));
      s.keys().remove(version);
      return present && !s.store().containsAlias(label(version));
    } catch (GeneralSecurityException | RuntimeException e) {
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

  /** The token has no object for a version (not that it does not answer). */
  public static final class MissingKeyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MissingKeyException(String label) {
      super("the token holds no object labelled " + label, null, false, false);
    }
  }

  private byte[] gcm(int mode, int version, byte[] nonce, byte[] in, int off, int len, byte[] aad) {
    if (nonce.length != NONCE) {
      throw new IllegalArgumentException("AES-GCM nonce must be 12 bytes");
    }
    for (int attempt = 0; ; attempt++) {
      Session s = session;
      try {
        Key k = key(s, version);
        if (k == null) {
          k = key(refresh(), version);
          if (k == null) {
            throw new MissingKeyException(label(version));
          }
          s = session;
        }
        Cipher c = engine(s.provider());
        c.init(mode, k, new GCMParameterSpec(TAG_BITS, nonce));
        c.updateAAD(aad);
        return c.doFinal(in, off, len);
      } catch (AEADBadTagException e) {
        throw new IntegrityException();
      } catch (java.security.InvalidKeyException | java.security.ProviderException e) {
        // The key handle or the session is gone (a logout, the token away): once more, logged in
        // again; anything else (a refused parameter, a reused nonce) is not retried.
        ENGINES.remove();
        if (attempt > 0) {
          throw new TokenException("the token did not answer: " + cause(e));
        }
        relogin(s);
      } catch (GeneralSecurityException e) {
        ENGINES.remove();
        throw new TokenException("the token refused the operation: " + cause(e));
      } catch (TokenException e) {
        throw e;
      } catch (RuntimeException e) {
        if (e instanceof IllegalArgumentException || e instanceof MissingKeyException) {
          throw e;
        }
        ENGINES.remove();
        throw new TokenException("the token did not answer: " + cause(e));
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
      // stays as it is; the probe loads the module afresh
    }
  }

  /** When the module was last loaded afresh, and how long to wait before the next time. */
  private long lastReload;

  private long reloadBackoffMillis = RELOAD_BACKOFF_MIN_MS;
  private static final long RELOAD_BACKOFF_MIN_MS = 10_000;
  private static final long RELOAD_BACKOFF_MAX_MS = 60_000;

  /**
   * Whether the token answers: every version in {@code expected} seals and opens again. When not,
   * logs in again, and then loads a fresh copy of the module (the first time at once, then waiting
   * 10 s, doubling up to a minute while it keeps failing); true once it answers again.
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
    long now = System.currentTimeMillis();
    if (now - lastReload < reloadBackoffMillis) {
      return false;
    }
    lastReload = now;
    if (reload(expected)) {
      reloadBackoffMillis = RELOAD_BACKOFF_MIN_MS;
      return true;
    }
    reloadBackoffMillis = Math.min(RELOAD_BACKOFF_MAX_MS, reloadBackoffMillis * 2);
    return false;
  }

  private boolean works(Session s, SortedSet<Integer> expected) {
    try {
      byte[] nonce = new byte[NONCE];
      byte[] probe = new byte[16];
      SecureRandomSource.process().nextBytes(probe);
      for (int v : expected) {
        Key k = key(s, v);
        if (k == null) {
          return false;
        }
        SecureRandomSource.process().nextBytes(nonce);
        Cipher c = Jca.aesGcm(s.provider());
        c.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(TAG_BITS, nonce));
        byte[] ct = c.doFinal(probe);
        c.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(TAG_BITS, nonce));
        if (!ConstantTime.equals(c.doFinal(ct), probe)) {
          return false;
        }
      }
      if (expected.isEmpty()) {
        s.store().size();
      }
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private boolean reload(SortedSet<Integer> expected) {
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
   * True when version {@code version} is the AES key {@code raw}: both encrypt the same block under
   * the same random nonce and the results agree (for migrations that find an object already there,
   * or check an import).
   */
  public boolean holds(int version, byte[] raw) {
    byte[] nonce = new byte[NONCE];
    byte[] probe = new byte[16];
    SecureRandomSource.process().nextBytes(nonce);
    SecureRandomSource.process().nextBytes(probe);
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
