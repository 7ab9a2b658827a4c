package io.tkms.boot;

import io.tkms.adapter.hsa.software.SoftwareHsa;
import io.tkms.adapter.pg.Migrator;
import io.tkms.adapter.pg.PgRootKeyStore;
import io.tkms.application.port.CryptoExecutor;
import io.tkms.application.port.RootKeyStore.StoredVersion;
import io.tkms.config.ConfigLoader;
import io.tkms.config.KmsConfig;
import io.tkms.crypto.RandomSource;
import io.tkms.domain.SecretBytes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * {@code java -jar kms.jar seal rekey|migrate}: changes who protects the root keys, run by an
 * operator against the database (never through the management API: an admin token must not be
 * enough to choose an unseal key, and no key crosses the management listener). Both run under the
 * migration lock, so no replica starts meanwhile, and write in one transaction under the rotation
 * lock, refusing when a running replica rotated meanwhile. After a rekey running replicas keep
 * serving with the keys they hold (and refuse to rotate until restarted); migrate is for stopped
 * replicas. Blocking; run from {@code main} or a test.
 */
public final class SealCommand {
  static final String USAGE =
      """
      usage: java -jar kms.jar seal rekey --old-key-file F1 --new-key-file F2
               re-seal the software seal's keyring under a new unseal key (one transaction)
             java -jar kms.jar seal migrate --from software --to pkcs11 [--generate]
               move every root-key version into the PKCS#11 token (imported as
               non-extractable objects; --generate: a new version generated in the token
               and everything re-wrapped under it instead)
             java -jar kms.jar seal migrate --from pkcs11 --to software
               recovery: a new software version, everything re-wrapped through the token
      The database, the unseal key (KMS_UNSEAL_KEY_FILE) and the token (KMS_PKCS11_*) are
      configured as for the server (conf/kms.yaml and KMS_* variables).""";

  private final Map<String, String> env;
  private final PrintStream out;

  private SealCommand(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  /** Thrown for a refusal whose message says what to do; exit status 1 (usage errors: 2). */
  static final class SealException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    SealException(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /** Runs {@code args} (what follows {@code seal}); returns the exit status. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    try {
      new SealCommand(env, out).dispatch(args);
      return 0;
    } catch (SealException e) {
      err.println("error: " + e.getMessage());
      if (e.status == 2) {
        err.println(USAGE);
      }
      return e.status;
    } catch (ConfigLoader.ConfigException | BootException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  private void dispatch(String[] args) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      if (args.length == 0) {
        throw new SealException(2, "a command is required");
      }
      out.println(USAGE);
      return;
    }
    Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
    switch (args[0]) {
      case "rekey" ->
          rekey(required(options, "--old-key-file"), required(options, "--new-key-file"));
      case "migrate" ->
          migrate(
              required(options, "--from"),
              required(options, "--to"),
              options.containsKey("--generate"));
      default -> throw new SealException(2, "unknown command " + args[0]);
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--generate")) {
        o.put(a, "");
      } else if (a.startsWith("--") && i + 1 < args.length) {
        o.put(a, args[++i]);
      } else {
        throw new SealException(2, "unexpected argument " + a);
      }
    }
    return o;
  }

  private static String required(Map<String, String> options, String name) {
    String v = options.get(name);
    if (v == null || v.isEmpty()) {
      throw new SealException(2, name + " is required");
    }
    return v;
  }

  // ---- rekey ----

  private void rekey(String oldFile, String newFile) {
    byte[] oldKey = readKey(oldFile);
    byte[] newKey = readKey(newFile);
    try {
      if (Arrays.equals(oldKey, newKey)) {
        throw new SealException(1, "the new unseal key is the old one: nothing to do");
      }
      KmsConfig config = config();
      RandomSource random = RandomSource.secure();
      withDatabase(config, (ctx) -> rekey(ctx, oldKey, newKey, random));
      out.println(
          "re-sealed the root keys under a new keyring key, sealed by the new unseal key. Running"
              + " replicas keep serving; update the Secret (KMS_UNSEAL_KEY_FILE) to the new key,"
              + " then restart the replicas one by one, and do not rotate the root key until all"
              + " have restarted. The old key no longer opens this database.");
    } finally {
      Arrays.fill(oldKey, (byte) 0);
      Arrays.fill(newKey, (byte) 0);
    }
  }

  private Future<Void> rekey(Ctx ctx, byte[] oldKey, byte[] newKey, RandomSource random) {
    return stored(ctx)
        .compose(
            st ->
                ctx.executor()
                    .execute(() -> rekeyed(st.versions(), st.keyring(), oldKey, newKey, random))
                    .compose(
                        r ->
                            ctx.pool()
                                .withTransaction(
                                    conn ->
                                        unchanged(conn, st.versions(), st.keyring())
                                            .compose(
                                                x ->
                                                    PgRootKeyStore.writeKeyring(
                                                        conn, r.sealed(), r.rows())))));
  }

  /** What the database records: the versions and the keyring row (null when there is none). */
  record Stored(List<StoredVersion> versions, byte[] keyring) {}

  static Future<Stored> stored(Ctx ctx) {
    return ctx.store()
        .versions()
        .compose(versions -> ctx.store().keyring().map(k -> new Stored(versions, k.orElse(null))));
  }

  /**
   * Inside a seal command's transaction: takes the rotation lock, then refuses when the recorded
   * versions or the keyring row are no longer what the command read (a replica rotated meanwhile).
   */
  static Future<Void> unchanged(
      io.vertx.sqlclient.SqlConnection conn, List<StoredVersion> read, byte[] keyring) {
    return PgRootKeyStore.lockRotations(conn)
        .compose(
            x ->
                conn.query(
                        "SELECT coalesce(array_agg(version ORDER BY version), '{}') AS versions,"
                            + " (SELECT sealed FROM root_keyring WHERE id = 1) AS keyring"
                            + " FROM root_keys")
                    .execute())
        .compose(
            rows -> {
              io.vertx.sqlclient.Row r = rows.iterator().next();
              List<Integer> now = Arrays.asList(r.getArrayOfIntegers("versions"));
              List<Integer> before = read.stream().map(StoredVersion::version).toList();
              io.vertx.core.buffer.Buffer k = r.getBuffer("keyring");
              boolean same =
                  now.equals(before)
                      && (keyring == null
                          ? k == null
                          : k != null && Arrays.equals(k.getBytes(), keyring));
              return same
                  ? Future.<Void>succeededFuture()
                  : Future.failedFuture(
                      new SealException(
                          1,
                          "the root keys changed while this command ran (a rotation on a running"
                              + " replica?): nothing changed; run it again"));
            });
  }

  /** The new keyring key sealed under the new unseal key, and every version re-wrapped under it. */
  private record Rekeyed(byte[] sealed, List<StoredVersion> rows) {}

  /**
   * Opens every version with the old unseal key, makes a new keyring key sealed under the new one
   * and wraps every version under it: the old unseal key then opens nothing this database holds,
   * and versions created later are under a key the old one never protected.
   */
  private static Rekeyed rekeyed(
      List<StoredVersion> versions,
      byte[] keyring,
      byte[] oldKey,
      byte[] newKey,
      RandomSource random) {
    for (StoredVersion v : versions) {
      if (!v.custody().equals(SoftwareHsa.CUSTODY)) {
        throw new SealException(
            1,
            "this database's root keys are in a PKCS#11 token (KMS_HSA=pkcs11): there is no unseal"
                + " key to change");
      }
    }
    if (versions.isEmpty()) {
      throw new SealException(
          1, "this database has no root key yet: start the server with the new key instead");
    }
    SoftwareHsa old;
    try {
      old =
          (SoftwareHsa)
              new RootKey.SoftwareCustody(oldKey, random).open(null, versions, keyring).hsa();
    } catch (SoftwareHsa.UnsealException e) {
      throw new SealException(
          1,
          "the old key (--old-key-file) does not open this database's root keyring: nothing"
              + " changed");
    }
    SoftwareHsa.Created created = SoftwareHsa.createKeyring(newKey, random);
    List<StoredVersion> rows = new ArrayList<>();
    for (int v : old.versions()) {
      try (SecretBytes raw = old.exportForImport(v)) {
        rows.add(new StoredVersion(v, SoftwareHsa.CUSTODY, created.hsa().adopt(v, raw.bytes())));
      }
    }
    // Proof before anything is written: the new key opens the new keyring and every version.
    SoftwareHsa check = SoftwareHsa.openKeyring(newKey, created.sealedKeyringKey(), random);
    rows.forEach(r -> check.open(r.version(), r.stored()));
    return new Rekeyed(created.sealedKeyringKey(), rows);
  }

  // ---- migrate ----

  private void migrate(String from, String to, boolean generate) {
    KmsConfig config = config();
    RandomSource random = RandomSource.secure();
    if (from.equals("software") && to.equals("pkcs11")) {
      String done =
          withDatabase(config, ctx -> SealMigration.toToken(ctx, config.seal(), random, generate));
      out.println(done);
    } else if (from.equals("pkcs11") && to.equals("software")) {
      String done = withDatabase(config, ctx -> SealMigration.toSoftware(ctx, config, random));
      out.println(done);
    } else {
      throw new SealException(
          2, "--from and --to must be software and pkcs11, or pkcs11 and software");
    }
  }

  // ---- plumbing ----

  /** What a command works with: the pool, its store and crypto workers. */
  record Ctx(Pool pool, PgRootKeyStore store, CryptoExecutor executor) {}

  private KmsConfig config() {
    Map<String, String> e = new HashMap<>(env);
    // The command names the custodies itself; KMS_HSA must not make the loader demand either.
    e.put("KMS_HSA", "software");
    return ConfigLoader.load(e, null).config();
  }

  /** Runs {@code work} under the migration lock, on a migrated database; returns its result. */
  private static <T> T withDatabase(KmsConfig config, Function<Ctx, Future<T>> work) {
    Vertx vertx = Vertx.vertx();
    Database database = Database.open(config.database(), config.server().dataDir());
    try {
      Pool pool =
          PgBuilder.pool()
              .with(new PoolOptions().setMaxSize(2))
              .connectingTo(database.options())
              .using(vertx)
              .build();
      // Unlike the server's crypto pool, failures keep their type: refusals carry their message.
      CryptoExecutor executor =
          new CryptoExecutor() {
            @Override
            public <R> Future<R> execute(java.util.concurrent.Callable<R> task) {
              return vertx.executeBlocking(task, false);
            }
          };
      AtomicReference<T> result = new AtomicReference<>();
      try {
        new Migrator(pool)
            .migrateThen(
                () ->
                    work.apply(new Ctx(pool, new PgRootKeyStore(pool), executor))
                        .map(
                            r -> {
                              result.set(r);
                              return (Void) null;
                            }))
            .await();
      } catch (RuntimeException e) {
        Throwable t = e;
        while (t != null) {
          if (t instanceof SealException s) {
            throw s;
          }
          if (t instanceof BootException b) {
            throw b;
          }
          t = t.getCause();
        }
        throw new SealException(
            1,
            "failed, nothing changed: "
                + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
      } finally {
        pool.close().await();
      }
      return result.get();
    } finally {
      vertx.close().await();
      database.close();
    }
  }

  private static byte[] readKey(String file) {
    try {
      return UnsealKeys.decode(Files.readAllBytes(Path.of(file)), file);
    } catch (IOException e) {
      throw new SealException(1, "cannot read " + file);
    }
  }
}
