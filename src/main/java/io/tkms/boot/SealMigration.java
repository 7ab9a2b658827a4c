package io.tkms.boot;

import io.tkms.adapter.hsa.pkcs11.Pkcs11Hsa;
import io.tkms.adapter.hsa.software.SoftwareHsa;
import io.tkms.adapter.pg.PgRootKeyStore;
import io.tkms.application.port.Hsa;
import io.tkms.application.port.RootKeyStore.StoredVersion;
import io.tkms.application.port.RootKeyring;
import io.tkms.boot.SealCommand.Ctx;
import io.tkms.boot.SealCommand.SealException;
import io.tkms.config.KmsConfig;
import io.tkms.crypto.Pkcs11Token;
import io.tkms.crypto.RandomSource;
import io.tkms.domain.SecretBytes;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code seal migrate}: moves custody of the root keys between the software seal and a PKCS#11
 * token, offline, under the migration lock, with every database change in one transaction (a
 * failure changes nothing in the database; a key already created in the token is then reported).
 */
final class SealMigration {
  private static final Logger LOG = LoggerFactory.getLogger(SealMigration.class);

  private SealMigration() {}

  /**
   * Software to token: each version imported into the token as a non-extractable object under its
   * own version number (nothing re-wrapped); or, with {@code generate} or when the token refuses
   * imports, one new version generated inside the token and everything re-wrapped under it.
   */
  static Future<String> toToken(
      Ctx ctx, KmsConfig.Seal seal, RandomSource random, boolean generate) {
    return SealCommand.stored(ctx)
        .compose(
            st ->
                ctx.executor()
                    .execute(
                        () -> prepareToToken(seal, random, st.versions(), st.keyring(), generate)))
        .compose(
            p ->
                ctx.pool()
                    .withTransaction(
                        conn ->
                            SealCommand.unchanged(conn, p.read(), p.keyring())
                                .compose(
                                    ok ->
                                        p.generated() == 0
                                            ? imported(conn, p)
                                            : generated(conn, ctx, p))));
  }

  private static Future<String> imported(SqlConnection conn, ToToken p) {
    Integer[] versions = p.source().versions().toArray(Integer[]::new);
    return conn.preparedQuery(
            "UPDATE root_keys SET custody = 'pkcs11', sealed = NULL WHERE version = ANY($1)")
        .execute(Tuple.of((Object) versions))
        .compose(x -> conn.query("DELETE FROM root_keyring").execute())
        .map(
            x ->
                "moved root-key versions "
                    + p.source().versions()
                    + " into the token (imported as non-extractable objects). Start the server"
                    + " with KMS_HSA=pkcs11. Database backups from before, with the unseal key,"
                    + " still open these same keys: rotate the root key and destroy the old"
                    + " versions (or migrate with --generate) to end that.");
  }

  private static Future<String> generated(SqlConnection conn, Ctx ctx, ToToken p) {
    return switchTo(
            conn,
            ctx,
            new Bridge(p.source(), p.token()),
            new StoredVersion(p.generated(), Pkcs11Hsa.CUSTODY, null),
            null)
        .map(
            n ->
                "generated root-key version "
                    + p.generated()
                    + " inside the token and re-wrapped "
                    + n
                    + " items under it. Start the server with KMS_HSA=pkcs11; the unseal key no"
                    + " longer opens anything in this database (older backups keep their own"
                    + " keys).");
  }

  private record ToToken(
      SoftwareHsa source,
      Pkcs11Hsa token,
      int generated,
      List<StoredVersion> read,
      byte[] keyring) {}

  private static ToToken prepareToToken(
      KmsConfig.Seal seal,
      RandomSource random,
      List<StoredVersion> versions,
      byte[] keyring,
      boolean generate) {
    if (versions.isEmpty()) {
      throw new SealException(1, "this database has no root key yet: start with KMS_HSA=pkcs11");
    }
    if (versions.stream().allMatch(v -> v.custody().equals(Pkcs11Hsa.CUSTODY))) {
      throw new SealException(1, "the root keys are already in the token: nothing to do");
    }
    RootKey.requireCustody(versions, SoftwareHsa.CUSTODY);
    SoftwareHsa source = openSoftware(seal, random, versions, keyring);
    Pkcs11Hsa token = Pkcs11Custody.login(seal.pkcs11());
    Pkcs11Token t = token.token();
    if (!generate) {
      try {
        for (int v : source.versions()) {
          try (SecretBytes raw = source.exportForImport(v)) {
            if (t.has(v)) {
              if (!t.holds(v, raw.bytes())) {
                throw new SealException(
                    1,
                    "the token already holds "
                        + t.label(v)
                        + " and it is another key: nothing changed (use another"
                        + " KMS_PKCS11_KEY_LABEL)");
              }
            } else {
              t.importKey(v, raw.bytes());
              if (!t.holds(v, raw.bytes())) {
                throw new SealException(1, "the imported " + t.label(v) + " does not match");
              }
            }
          }
          token.open(v, null);
        }
        token.use(source.rootVersion());
        return new ToToken(source, token, 0, versions, keyring);
      } catch (Pkcs11Token.TokenException e) {
        LOG.warn(
            "the token refused an import ({}): generating a new version inside it instead",
            e.getMessage());
      }
    }
    int next = source.versions().last() + 1;
    token.create(next);
    token.use(next);
    return new ToToken(source, token, next, versions, keyring);
  }

  /**
   * Token to software (recovery): a new software version sealed under the configured unseal key,
   * everything re-wrapped under it through the token. The token's objects are left in place.
   */
  static Future<String> toSoftware(Ctx ctx, KmsConfig config, RandomSource random) {
    PgRootKeyStore store = ctx.store();
    return store
        .versions()
        .compose(
            versions -> ctx.executor().execute(() -> prepareToSoftware(config, random, versions)))
        .compose(
            p ->
                ctx.pool()
                    .withTransaction(
                        conn ->
                            SealCommand.unchanged(conn, p.read(), null)
                                .compose(
                                    ok ->
                                        switchTo(
                                            conn,
                                            ctx,
                                            new Bridge(p.token(), p.target()),
                                            new StoredVersion(
                                                p.version(), SoftwareHsa.CUSTODY, p.stored()),
                                            p.sealedKeyring()))))
        .map(
            n ->
                "re-wrapped "
                    + n
                    + " items under a new software root-key version. Start the server with"
                    + " KMS_HSA=software and this unseal key. The token's objects were left in"
                    + " place: delete them once the software seal is confirmed working.");
  }

  private record ToSoftware(
      Pkcs11Hsa token,
      SoftwareHsa target,
      int version,
      byte[] stored,
      byte[] sealedKeyring,
      List<StoredVersion> read) {}

  private static ToSoftware prepareToSoftware(
      KmsConfig config, RandomSource random, List<StoredVersion> versions) {
    if (versions.isEmpty()
        || versions.stream().allMatch(v -> v.custody().equals(SoftwareHsa.CUSTODY))) {
      throw new SealException(1, "the root keys are not in a token: nothing to do");
    }
    RootKey.requireCustody(versions, Pkcs11Hsa.CUSTODY);
    if (!config.seal().unsealKey().isPresent()) {
      throw new SealException(
          1, "set KMS_UNSEAL_KEY_FILE to the unseal key the software seal will use");
    }
    Pkcs11Hsa token = Pkcs11Custody.login(config.seal().pkcs11());
    int newest = 0;
    for (StoredVersion v : versions) {
      if (!token.token().has(v.version())) {
        throw new SealException(
            1,
            "the token holds no object labelled "
                + token.token().label(v.version())
                + ": items under it cannot be moved");
      }
      token.open(v.version(), null);
      newest = Math.max(newest, v.version());
    }
    token.use(newest);
    byte[] unsealKey = UnsealKeys.resolve(config, random);
    try {
      SoftwareHsa.Created created = SoftwareHsa.createKeyring(unsealKey, random);
      int next = newest + 1;
      byte[] stored = created.hsa().create(next);
      created.hsa().use(next);
      return new ToSoftware(
          token, created.hsa(), next, stored, created.sealedKeyringKey(), versions);
    } finally {
      Arrays.fill(unsealKey, (byte) 0);
    }
  }

  /**
   * In the caller's transaction: records {@code target}, re-wraps every item under it, removes
   * every other version's record (refused by the database if anything still names one), and stores
   * the keyring key ({@code sealedKeyring}) or removes it.
   */
  private static Future<Integer> switchTo(
      SqlConnection conn, Ctx ctx, Hsa bridge, StoredVersion target, byte[] sealedKeyring) {
    return conn.preparedQuery(
            "INSERT INTO root_keys (version, custody, sealed) VALUES ($1, $2, $3)")
        .execute(
            Tuple.of(
                target.version(),
                target.custody(),
                target.stored() == null ? null : Buffer.buffer(target.stored())))
        .compose(x -> PgRootKeyStore.rewrapAll(conn, bridge, ctx.executor()))
        .compose(
            n ->
                conn.preparedQuery("DELETE FROM root_keys WHERE version <> $1")
                    .execute(Tuple.of(target.version()))
                    .compose(
                        x ->
                            sealedKeyring == null
                                ? conn.query("DELETE FROM root_keyring").execute().mapEmpty()
                                : PgRootKeyStore.writeKeyring(conn, sealedKeyring, List.of()))
                    .map(x -> n));
  }

  private static SoftwareHsa openSoftware(
      KmsConfig.Seal seal, RandomSource random, List<StoredVersion> versions, byte[] keyring) {
    if (!seal.unsealKey().isPresent()) {
      throw new SealException(1, "set KMS_UNSEAL_KEY_FILE: the software seal must be opened");
    }
    byte[] unsealKey = seal.unsealKey().read();
    byte[] key = UnsealKeys.decode(unsealKey, "KMS_UNSEAL_KEY");
    try {
      RootKey.Opened opened =
          new RootKey.SoftwareCustody(key, random).open(null, versions, keyring);
      return (SoftwareHsa) opened.hsa();
    } catch (SoftwareHsa.UnsealException e) {
      throw new SealException(1, "the unseal key does not open this database's root keys");
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** Opens under the old custody, wraps under the new one's current version. */
  private record Bridge(RootKeyring from, RootKeyring to) implements Hsa {
    @Override
    public int rootVersion() {
      return to.rootVersion();
    }

    @Override
    public Wrapped generateWrapped(String context, int length) {
      return to.generateWrapped(context, length);
    }

    @Override
    public Wrapped wrap(byte[] secret, String context) {
      return to.wrap(secret, context);
    }

    @Override
    public SecretBytes unwrap(Wrapped wrapped, String context) {
      return from.unwrap(wrapped, context);
    }

    @Override
    public void random(byte[] out) {
      to.random(out);
    }
  }
}
