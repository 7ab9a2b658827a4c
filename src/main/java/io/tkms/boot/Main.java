package io.tkms.boot;

import io.tkms.cli.AdminCli;
import io.tkms.config.ConfigLoader;
import java.time.Clock;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar kms.jar}: loads the configuration and runs the server until SIGTERM. {@code
 * java -jar kms.jar admin <command>} runs the admin command line instead.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("admin")) {
      System.exit(AdminCli.run(Arrays.copyOfRange(args, 1, args.length)));
    }
    if (args.length > 0) {
      System.err.println("usage: java -jar kms.jar                 run the server (configured by conf/kms.yaml and KMS_* variables)");
      System.err.println("       java -jar kms.jar admin --help    the admin command line");
      System.exit(2);
    }
    try {
      ConfigLoader.Loaded loaded = ConfigLoader.load();
      loaded.warnings().forEach(w -> LOG.warn("{}", w));
      KmsServer server = KmsServer.start(loaded.config(), Clock.systemUTC());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        LOG.info("shutting down");
        server.close();
      }, "kms-shutdown"));
    } catch (ConfigLoader.ConfigException | BootException e) {
      LOG.error("cannot start: {}", e.getMessage());
      System.exit(2);
    }
  }
}
