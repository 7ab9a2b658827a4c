import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The benchmark's reference point for a request with a body: the smallest honest Vert.x 5 handler
 * that does the work every Encrypt needs, and nothing else. It answers any POST with a JSON body
 * {@code {"KeyId", "Plaintext"}} (the benchmark's signed Encrypt requests; headers and signature
 * are ignored) by parsing the JSON, decoding the Base64 plaintext, sealing it with AES-256-GCM
 * under one fixed key and a fresh random nonce, and answering
 * {@code {"Response": {"CiphertextBlob", "KeyId", "RequestId"}}}. No signature check, no key
 * look-up, no limiter, no metrics, no audit, no per-message key: what the KMS does beyond this is
 * its overhead. Same transport (epoll where available) and one event loop per core, like the
 * server.
 *
 * <p>Run by {@code bench.sh} with the server jar on the class path: {@code java -cp kms.jar:DIR
 * ReferenceServer PORT}.
 */
public final class ReferenceServer {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final SecretKeySpec KEY = newKey();
  private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(ReferenceServer::newCipher);

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    int loops = Runtime.getRuntime().availableProcessors();
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
            .requestHandler(ReferenceServer::handle).listen();
      }
    }, new DeploymentOptions().setInstances(loops))
        .onSuccess(id -> System.out.println("reference server up on " + port + ", " + loops + " event loops, native transport "
            + vertx.isNativeTransportEnabled()))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }

  private static void handle(HttpServerRequest req) {
    if (req.path().equals("/healthz")) {
      req.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("status", "up").toBuffer());
      return;
    }
    req.body().onSuccess(body -> {
      try {
        JsonObject in = body.toJsonObject();
        byte[] plaintext = Base64.getDecoder().decode(in.getString("Plaintext"));
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        Cipher gcm = GCM.get();
        gcm.init(Cipher.ENCRYPT_MODE, KEY, new GCMParameterSpec(128, nonce));
        byte[] sealed = gcm.doFinal(plaintext);
        byte[] blob = new byte[12 + sealed.length];
        System.arraycopy(nonce, 0, blob, 0, 12);
        System.arraycopy(sealed, 0, blob, 12, sealed.length);
        JsonObject out = new JsonObject().put("Response", new JsonObject()
            .put("CiphertextBlob", Base64.getEncoder().encodeToString(blob))
            .put("KeyId", in.getString("KeyId"))
            .put("RequestId", requestId()));
        req.response().putHeader("Content-Type", "application/json").end(out.toBuffer());
      } catch (Exception e) {
        req.response().setStatusCode(400).end();
      }
    });
  }

  /** A random version-4 UUID from a non-cryptographic generator, as the server's request ids. */
  private static String requestId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return new UUID((r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
  }

  private static SecretKeySpec newKey() {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    return new SecretKeySpec(k, "AES");
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
