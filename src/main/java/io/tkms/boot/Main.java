package io.tkms.boot;

import io.tkms.adapter.audit.AuditVerifier;
import io.tkms.cli.AdminCli;
import io.tkms.config.ConfigLoader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar kms.jar}: loads the configuration and runs the server until SIGTERM, which
 * drains it ({@link KmsServer#close}) and exits 0; {@code --dev} runs it in development mode.
 * {@code java -jar kms.jar admin <command>} runs the admin command line instead, {@code java -jar
 * kms.jar audit verify FILE} the audit log's check.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("admin")) {
      System.exit(AdminCli.run(Arrays.copyOfRange(args, 1, args.length)));
    }
    if (args.length > 0 && args[0].equals("seal")) {
      System.exit(
          SealCommand.run(
              Arrays.copyOfRange(args, 1, args.length), System.getenv(), System.out, System.err));
    }
    if (args.length > 0 && args[0].equals("audit")) {
      System.exit(
          AuditVerifier.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
    }
    boolean dev = args.length == 1 && args[0].equals("--dev");
    if (args.length > 0 && !dev) {
      System.err.println(
          "usage: java -jar kms.jar                 run the server (configured by conf/kms.yaml and KMS_* variables)");
      System.err.println(
          "       java -jar kms.jar --dev           run it in development mode (KMS_DEV_MODE=true)");
      System.err.println("       java -jar kms.jar admin --help    the admin command line");
      System.err.println(
          "       java -jar kms.jar audit verify FILE  check the hash chain of an audit log");
      System.err.println(
          "       java -jar kms.jar seal --help     change the unseal key, move root keys into a token");
      System.exit(2);
    }
    try {
      ConfigLoader.Loaded loaded = ConfigLoader.load(environment(dev), null);
      Logging.apply(loaded.config().observability());
      loaded.warnings().forEach(w -> LOG.warn("{}", w));
      if (loaded.config().server().devMode()) {
        LOG.warn(
            "DEVELOPMENT MODE: a missing unseal key or credential is generated under {}; never"
                + " run production like this",
            loaded.config().server().dataDir().toAbsolutePath());
      }
      KmsServer server = KmsServer.start(loaded.config(), Clock.systemUTC());
      stopOnSignals(server);
    } catch (ConfigLoader.ConfigException | BootException e) {
      LOG.error("cannot start: {}", e.getMessage());
      System.exit(2);
    }
  }

  /** The process environment, with {@code KMS_DEV_MODE=true} when started with {@code --dev}. */
  private static Map<String, String> environment(boolean dev) {
    if (!dev) {
      return System.getenv();
    }
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("KMS_DEV_MODE", "true");
    return env;
  }

  /**
   * SIGTERM (Kubernetes, {@code docker stop}) drains and then exits 0: a requested stop is not a
   * failure, while the JVM's own SIGTERM handling would exit 143. Any other exit (SIGINT, {@code
   * System.exit}) still drains, from the shutdown hook.
   */
  private static void stopOnSignals(KmsServer server) {
    AtomicBoolean stopping = new AtomicBoolean();
    Runnable stop =
        () -> {
          if (stopping.compareAndSet(false, true)) {
            LOG.info("shutting down: draining");
            server.close();
            LOG.info("stopped");
            flushLogs();
          }
        };
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "kms-shutdown"));
    AtomicBoolean termed = new AtomicBoolean();
    try {
      onSigterm(
          () -> {
            // Signal handlers must return quickly: drain on a thread of our own. A repeated SIGTERM
            // must not cut the drain short, so only the first one counts.
            if (termed.compareAndSet(false, true)) {
              new Thread(
                      () -> {
                        stop.run();
                        System.exit(0);
                      },
                      "kms-drain")
                  .start();
            }
          });
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "cannot handle SIGTERM here ({}): a stop still drains but exits 143", e.getMessage());
    }
  }

  /**
   * {@code sun.misc.Signal.handle(new Signal("TERM"), sig -> handler.run())}, called reflectively.
   * The JDK has no supported way to make SIGTERM alone exit 0 (a shutdown hook runs on every exit
   * alike, and only {@code Runtime.halt} in it could change the status, cutting the other hooks
   * short), so the jdk.unsupported API stays; but a direct reference draws javac's "internal
   * proprietary API" warning, which no {@code @SuppressWarnings} silences and {@code -Werror} turns
   * into a failed build.
   *
   * @throws IllegalArgumentException if SIGTERM cannot be handled in this JVM (as Signal.handle)
   */
  private static void onSigterm(Runnable handler) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Object term = signal.getConstructor(String.class).newInstance("TERM");
      Object proxy =
          Proxy.newProxyInstance(
              handlerType.getClassLoader(),
              new Class<?>[] {handlerType},
              (self, method, methodArgs) ->
                  switch (method.getName()) {
                    case "handle" -> {
                      handler.run();
                      yield null;
                    }
                    case "equals" -> self == methodArgs[0];
                    case "hashCode" -> System.identityHashCode(self);
                    default -> "SIGTERM handler";
                  });
      signal.getMethod("handle", signal, handlerType).invoke(null, term, proxy);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof IllegalArgumentException iae
          ? iae
          : new IllegalArgumentException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(e.toString(), e);
    }
  }

  /** Stops logback so its asynchronous audit appender writes out what it still queues. */
  private static void flushLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
      context.stop();
    }
  }
}
