package io.tkms.boot;

import io.tkms.adapter.hsa.pkcs11.Pkcs11Hsa;
import io.tkms.adapter.pg.PgRootKeyStore;
import io.tkms.application.port.RootKeyStore.StoredVersion;
import io.tkms.config.KmsConfig;
import io.tkms.crypto.Pkcs11Token;
import io.tkms.crypto.SecureRandomSource;
import io.tkms.error.KmsException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code KMS_HSA=pkcs11} at start-up: logs in to the token, opens every recorded version's object
 * (refusing to start when one is missing: the wrong token, slot or label), creates version 1 inside
 * the token on an empty database, and reports objects with the label prefix that the database does
 * not record (never deleting them).
 */
final class Pkcs11Custody implements RootKey.Custody {
  private static final Logger LOG = LoggerFactory.getLogger(Pkcs11Custody.class);
  private static final AtomicInteger UNRECORDED = new AtomicInteger();

  private final KmsConfig.Pkcs11 settings;

  private Pkcs11Custody(KmsConfig.Pkcs11 settings) {
    this.settings = settings;
  }

  static Pkcs11Custody of(KmsConfig.Seal seal, io.tkms.crypto.RandomSource random) {
    return new Pkcs11Custody(seal.pkcs11());
  }

  /** Token objects with the label prefix whose version the database did not record at start. */
  static int unrecordedObjects() {
    return UNRECORDED.get();
  }

  @Override
  public String name() {
    return Pkcs11Hsa.CUSTODY;
  }

  /** Logs in to the configured token. */
  static Pkcs11Hsa login(KmsConfig.Pkcs11 settings) {
    if (settings.library().isEmpty()) {
      throw new BootException("KMS_PKCS11_LIBRARY is not set");
    }
    if (!settings.pin().isPresent()) {
      throw new BootException("KMS_PKCS11_PIN (or KMS_PKCS11_PIN_FILE) is not set");
    }
    byte[] pinBytes = settings.pin().read();
    // Decoded without a String, so the PIN's characters can be zeroed.
    java.nio.CharBuffer chars = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(pinBytes));
    char[] pin = Arrays.copyOf(chars.array(), chars.limit());
    Arrays.fill(chars.array(), '\0');
    Arrays.fill(pinBytes, (byte) 0);
    try {
      Pkcs11Token token =
          Pkcs11Token.open(
              settings.library().get(),
              settings.slotIndex(),
              pin,
              settings.keyLabel(),
              Path.of(System.getProperty("java.io.tmpdir"), "tkms-pkcs11"));
      return new Pkcs11Hsa(token, SecureRandomSource.process());
    } catch (Pkcs11Token.TokenException e) {
      throw new BootException(e.getMessage());
    } finally {
      Arrays.fill(pin, '\0');
    }
  }

  @Override
  public RootKey.Opened open(
      PgRootKeyStore store, List<StoredVersion> recorded, byte[] sealedKeyring) {
    RootKey.requireCustody(recorded, Pkcs11Hsa.CUSTODY);
    Pkcs11Hsa hsa = login(settings);
    Pkcs11Token token = hsa.token();
    SortedSet<Integer> known = new TreeSet<>();
    int newest = 0;
    for (StoredVersion v : recorded) {
      try {
        hsa.open(v.version(), null);
      } catch (KmsException e) {
        throw new BootException(
            "root-key version "
                + v.version()
                + " is recorded in the database but the token holds no object labelled "
                + token.label(v.version())
                + ": check KMS_PKCS11_LIBRARY, KMS_PKCS11_SLOT_INDEX and KMS_PKCS11_KEY_LABEL, or"
                + " restore the token from its backup (docs/operations.md)");
      }
      known.add(v.version());
      newest = Math.max(newest, v.version());
    }
    SortedSet<Integer> inToken = token.versions();
    inToken.removeAll(known);
    UNRECORDED.set(inToken.size());
    if (!inToken.isEmpty()) {
      LOG.warn(
          "the token holds objects labelled {}-v{} that this database does not record; they are"
              + " left alone (another deployment's keys, or versions destroyed while the token was"
              + " away?)",
          settings.keyLabel(),
          inToken);
    }
    if (newest == 0) {
      if (inToken.contains(1)) {
        throw new BootException(
            "the token already holds "
                + token.label(1)
                + " but this database records no root key: it is never overwritten. Use another"
                + " KMS_PKCS11_KEY_LABEL, or the database that key belongs to");
      }
      hsa.create(1);
      hsa.use(1);
      LOG.info("created root key version 1 inside the PKCS#11 token as {}", token.label(1));
      return new RootKey.Opened(hsa, null, List.of(new StoredVersion(1, Pkcs11Hsa.CUSTODY, null)));
    }
    hsa.use(newest);
    return new RootKey.Opened(hsa, null, List.of());
  }
}
