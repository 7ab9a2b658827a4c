package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** With a PEM certificate and key configured, the API port speaks HTTPS (and only HTTPS). */
class TlsIT {
  @Test
  void tlsListener_servesSignedCallsOverHttps() throws Exception {
    Path dir = TestServer.tempDir();
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    try (InputStream c = TlsIT.class.getResourceAsStream("/tls/test-cert.pem");
        InputStream k = TlsIT.class.getResourceAsStream("/tls/test-key.pem")) {
      Files.copy(c, cert);
      Files.copy(k, key);
    }
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), dir);
    env.put("KMS_TLS_CERT_FILE", cert.toString());
    env.put("KMS_TLS_KEY_FILE", key.toString());
    try (TestServer s = TestServer.start(env)) {
      SSLSocketFactory tls = trusting(cert);
      RawHttp.Response health =
          RawHttp.send(s.port(), "GET /healthz HTTP/1.1\r\nHost: localhost", null, tls);
      assertThat(health.status()).isEqualTo(200);

      V2Client client = s.bootstrapClient();
      java.util.Map<String, String> p = client.request("ListKey").signed();
      RawHttp.Response r =
          RawHttp.send(
              s.port(),
              "POST /v2/index.php HTTP/1.1\r\nHost: 127.0.0.1:"
                  + s.port()
                  + "\r\nContent-Type: application/x-www-form-urlencoded",
              V2Client.form(p).getBytes(),
              tls);
      assertThat(new JsonObject(r.text()).getInteger("code")).isZero();

      // Plain HTTP on the TLS port gets no KMS answer.
      assertThatThrownBy(
              () -> {
                RawHttp.Response plain =
                    RawHttp.send(s.port(), "GET /healthz HTTP/1.1\r\nHost: localhost", null);
                assertThat(plain.status()).isEqualTo(200);
              })
          .isInstanceOf(Throwable.class);
    }
  }

  static SSLSocketFactory trusting(Path certFile) throws Exception {
    X509Certificate cert;
    try (InputStream in = Files.newInputStream(certFile)) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    ks.setCertificateEntry("test", cert);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx.getSocketFactory();
  }
}
