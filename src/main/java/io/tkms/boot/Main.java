package io.tkms.boot;

import io.tkms.config.ConfigLoader;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar kms.jar}: loads the configuration and runs the server until SIGTERM. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
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
