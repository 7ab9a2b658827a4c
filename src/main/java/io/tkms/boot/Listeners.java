package io.tkms.boot;

import io.tkms.adapter.http.admin.AdminApi;
import io.tkms.adapter.ratelimit.LocalSourceLimiter;
import io.tkms.application.AdminService;
import io.tkms.application.LimitPolicy;
import io.tkms.application.RootKeyService;
import io.tkms.application.port.AuditSink;
import io.tkms.config.KmsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The API listener's options and the management listener, as start-up configures them. */
final class Listeners {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

  private Listeners() {}

  /**
   * The API listener: HTTPS when TLS is configured, else plain HTTP with a warning unless bound to
   * a loopback address. Request lines and headers are bounded like bodies.
   */
  static HttpServerOptions api(KmsConfig.Http config) {
    HttpServerOptions http =
        new HttpServerOptions()
            .setHost(config.host())
            .setPort(config.port())
            .setMaxInitialLineLength(4 * KmsServer.MAX_BODY_BYTES)
            .setMaxHeaderSize(16 * 1024)
            .setIdleTimeout(120);
    if (config.tlsEnabled()) {
      http.setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(config.tlsCertFile().get().toString())
                  .setKeyPath(config.tlsKeyFile().get().toString()));
    } else if (!loopback(config.host())) {
      LOG.warn(
          "serving plain HTTP on {}: credentials' signatures and plaintexts cross the network"
              + " unencrypted. Configure KMS_TLS_CERT_FILE and KMS_TLS_KEY_FILE.",
          config.host());
    }
    return http;
  }

  /**
   * Starts the management listener when a token is configured; blocks until it listens.
   *
   * @return the port bound, or -1 when the management API is off
   * @throws BootException when the token is shorter than 16 characters
   */
  static int startAdmin(
      Vertx vertx,
      KmsConfig config,
      AdminService admin,
      LimitPolicy limits,
      RootKeyService rootKeys,
      AuditSink audit) {
    KmsConfig.Admin settings = config.admin();
    if (!settings.enabled()) {
      return -1;
    }
    byte[] token = settings.token().read();
    try {
      if (token.length < 16) {
        throw new BootException("KMS_ADMIN_TOKEN must be at least 16 characters");
      }
      LocalSourceLimiter sources = new LocalSourceLimiter(config.limits().authFailuresPerIp());
      HttpServer server =
          vertx
              .createHttpServer(
                  // HTTP/1.1 only, as the metrics listener (no h2c upgrade).
                  new HttpServerOptions()
                      .setHost(settings.host())
                      .setPort(settings.port())
                      .setHttp2ClearTextEnabled(false))
              .requestHandler(
                  new AdminApi(
                          admin,
                          limits,
                          rootKeys,
                          sources,
                          token,
                          audit,
                          config.observability().auditBlockMillis())
                      .router(vertx));
      return server.listen().await().actualPort();
    } finally {
      Arrays.fill(token, (byte) 0);
    }
  }

  private static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
