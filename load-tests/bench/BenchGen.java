import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * The benchmark's helper (JDK only, no project classes, so it signs exactly as a foreign client
 * would): seeds keys through the API, writes pre-signed requests for wrk, reads the server's
 * result counters, and summarises a JFR recording. Used by {@code load-tests/bench.sh}, and by
 * {@code k8s/image-test.sh} for signed calls to the server in its image ({@code call}, {@code
 * burst}, {@code v2}).
 *
 * <pre>
 * BenchGen free-port
 * BenchGen seed     URL SECRET_ID SECRET_KEY KEYS REGIONS OUT          # keyId region ciphertextBlob plaintext, one key a line
 * BenchGen raw      URL SECRET_ID SECRET_KEY KIND OUT [args]           # NUL-separated raw HTTP requests (TC3, signed once each)
 *     KIND: healthz | warm | encrypt BYTES | decrypt BYTES | gdk | mix KEYFILE COUNT
 *           | soakmix HOT_KEYFILE COLD_KEYFILE COUNT COLD_PERCENT SEED
 * BenchGen verify   URL SECRET_ID SECRET_KEY HOT_KEYFILE COLD_KEYFILE RATE STOPFILE OUT   # checked round trips until STOPFILE exists
 * BenchGen v2       URL SECRET_ID SECRET_KEY BYTES COUNT NONCE_START OUT   # API 2.0 Encrypt: body template + one signature per nonce
 * BenchGen counters METRICS_URL                                        # "success failure" from kms_requests_total
 * BenchGen call     URL SECRET_ID SECRET_KEY ACTION JSON               # one TC3 call: prints its Response JSON, exit 1 on an error answer
 * BenchGen burst    URL[,URL...] SECRET_ID SECRET_KEY COUNT ACTION JSON  # COUNT copies of one signed request to each URL at once
 * BenchGen jfr-top  FILE.jfr [N [FROM_MS TO_MS]]                       # where the CPU went (in that window)
 * </pre>
 */
public final class BenchGen {
  static final String VERSION = "2019-01-18";
  static final SecureRandom RANDOM = new SecureRandom();
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  public static void main(String[] a) throws Exception {
    switch (a.length == 0 ? "" : a[0]) {
      case "free-port" -> {
        try (ServerSocket s = new ServerSocket(0)) {
          System.out.println(s.getLocalPort());
        }
      }
      case "seed" -> seed(new Server(a[1], a[2], a[3]), Integer.parseInt(a[4]), List.of(a[5].split(",")), Path.of(a[6]));
      case "raw" -> raw(new Server(a[1], a[2], a[3]), a[4], Path.of(a[5]), java.util.Arrays.copyOfRange(a, 6, a.length));
      case "v2" -> v2(new Server(a[1], a[2], a[3]), Integer.parseInt(a[4]), Integer.parseInt(a[5]), Long.parseLong(a[6]), Path.of(a[7]));
      case "counters" -> counters(a[1]);
      case "call" -> System.out.println(call(new Server(a[1], a[2], a[3]), a[4], "ap-guangzhou", a[5]).get());
      case "burst" -> burst(List.of(a[1].split(",")), a[2], a[3], Integer.parseInt(a[4]), a[5], a[6]);
      case "verify" -> verify(new Server(a[1], a[2], a[3]), Path.of(a[4]), Path.of(a[5]), Double.parseDouble(a[6]), Path.of(a[7]), Path.of(a[8]));
      case "jfr-top" -> jfrTop(Path.of(a[1]), a.length > 2 ? Integer.parseInt(a[2]) : 25,
          a.length > 4 ? Long.parseLong(a[3]) : 0, a.length > 4 ? Long.parseLong(a[4]) : Long.MAX_VALUE);
      default -> {
        System.err.println("usage: see the class comment of load-tests/bench/BenchGen.java");
        System.exit(2);
      }
    }
  }

  /** Where the server is and whose credential signs. */
  record Server(String url, String secretId, String secretKey) {
    String host() {
      return URI.create(url).getAuthority();
    }
  }

  // ---------------------------------------------------------------- signing

  static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A TC3-HMAC-SHA256 signed JSON POST to {@code /}: its headers in wire order. */
  static Map<String, String> tc3Headers(Server s, String action, String region, String body, long ts) {
    String date = Instant.ofEpochSecond(ts).atOffset(ZoneOffset.UTC).toLocalDate().toString();
    String canonical = "POST\n/\n\ncontent-type:application/json\nhost:" + s.host().toLowerCase() + "\n\ncontent-type;host\n" + sha256Hex(body);
    String sts = "TC3-HMAC-SHA256\n" + ts + "\n" + date + "/kms/tc3_request\n" + sha256Hex(canonical);
    byte[] k = hmac(("TC3" + s.secretKey()).getBytes(StandardCharsets.UTF_8), date);
    k = hmac(k, "kms");
    k = hmac(k, "tc3_request");
    String sig = HexFormat.of().formatHex(hmac(k, sts));
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", s.host());
    h.put("Content-Type", "application/json");
    h.put("X-TC-Action", action);
    h.put("X-TC-Version", VERSION);
    h.put("X-TC-Timestamp", Long.toString(ts));
    h.put("X-TC-Region", region);
    h.put("Authorization", "TC3-HMAC-SHA256 Credential=" + s.secretId() + "/" + date + "/kms/tc3_request, SignedHeaders=content-type;host, Signature=" + sig);
    return h;
  }

  /** The same request as wrk sends it. */
  static String rawTc3(Server s, String action, String region, String body, long ts) {
    StringBuilder sb = new StringBuilder("POST / HTTP/1.1\r\n");
    tc3Headers(s, action, region, body, ts).forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return sb.append("Content-Length: ").append(b.length).append("\r\n\r\n").append(body).toString();
  }

  /** Sends one TC3 call and returns its {@code Response} JSON text; fails on an error answer. */
  static CompletableFuture<String> call(Server s, String action, String region, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url() + "/")).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    tc3Headers(s, action, region, body, System.currentTimeMillis() / 1000).forEach((k, v) -> {
      if (!k.equals("Host")) {
        b.header(k, v);
      }
    });
    return HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
      if (r.statusCode() != 200 || r.body().contains("\"Error\"")) {
        throw new IllegalStateException(action + " failed: HTTP " + r.statusCode() + " " + r.body());
      }
      return r.body();
    });
  }

  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no " + name + " in " + json);
    }
    return m.group(1);
  }

  static String plaintext(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  // ---------------------------------------------------------------- seeding

  /**
   * Creates {@code n} keys (round-robin over the regions) and one 32-byte ciphertext under each;
   * each line also holds that ciphertext's plaintext (Base64), so a Decrypt can be checked.
   */
  static void seed(Server s, int n, List<String> regions, Path out) throws Exception {
    Semaphore inFlight = new Semaphore(32);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicInteger done = new AtomicInteger();
    String[] lines = new String[n];
    long start = System.nanoTime();
    for (int i = 0; i < n && failure.get() == null; i++) {
      inFlight.acquire();
      int idx = i;
      String region = regions.get(i % regions.size());
      call(s, "CreateKey", region, "{\"Alias\":\"bench-" + i + "-" + Long.toHexString(RANDOM.nextLong()) + "\"}")
          .thenCompose(created -> {
            String keyId = field(created, "KeyId");
            String plain = plaintext(32);
            return call(s, "Encrypt", region, "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"" + plain + "\"}")
                .thenApply(enc -> keyId + " " + region + " " + field(enc, "CiphertextBlob") + " " + plain);
          })
          .whenComplete((line, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            } else {
              lines[idx] = line;
              int d = done.incrementAndGet();
              if (d % 10_000 == 0) {
                System.err.printf("  seeded %d keys (%.0f/s)%n", d, d / ((System.nanoTime() - start) / 1e9));
              }
            }
            inFlight.release();
          });
    }
    inFlight.acquire(32);
    if (failure.get() != null) {
      throw new IllegalStateException("seeding failed", failure.get());
    }
    Files.write(out, List.of(lines));
    System.err.printf("  seeded %d keys in %.1f s%n", n, (System.nanoTime() - start) / 1e9);
  }

  // ---------------------------------------------------------------- request files

  /** NUL-separated raw requests, each TC3-signed once (TC3 has no nonce: wrk may resend them). */
  static void raw(Server s, String kind, Path out, String[] args) throws Exception {
    long ts = System.currentTimeMillis() / 1000;
    String region = "ap-guangzhou";
    List<String> reqs = new ArrayList<>();
    switch (kind) {
      case "healthz" -> reqs.add("GET /healthz HTTP/1.1\r\nHost: " + s.host() + "\r\n\r\n");
      case "encrypt" -> {
        String keyId = benchKey(s, region);
        reqs.add(rawTc3(s, "Encrypt", region, "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"" + plaintext(Integer.parseInt(args[0])) + "\"}", ts));
      }
      case "sm4-encrypt" -> {
        // A key of the SM profile's region (bench.sh serves bench-sm with KMS_SM_REGIONS=bench-sm).
        String keyId = benchKey(s, SM_REGION);
        reqs.add(rawTc3(s, "Encrypt", SM_REGION, "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"" + plaintext(Integer.parseInt(args[0])) + "\"}", ts));
      }
      case "decrypt" -> {
        String keyId = benchKey(s, region);
        String enc = call(s, "Encrypt", region, "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"" + plaintext(Integer.parseInt(args[0])) + "\"}").get();
        reqs.add(rawTc3(s, "Decrypt", region, "{\"CiphertextBlob\":\"" + field(enc, "CiphertextBlob") + "\"}", ts));
      }
      case "warm" -> {
        // Every request type of the single-key scenarios, so the JIT has compiled their paths
        // before the first measurement.
        String keyId = benchKey(s, region);
        for (int size : new int[] {32, 1024, 4096}) {
          reqs.add(rawTc3(s, "Encrypt", region, "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"" + plaintext(size) + "\"}", ts));
          String enc = call(s, "Encrypt", region, "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"" + plaintext(size) + "\"}").get();
          reqs.add(rawTc3(s, "Decrypt", region, "{\"CiphertextBlob\":\"" + field(enc, "CiphertextBlob") + "\"}", ts));
        }
        reqs.add(rawTc3(s, "GenerateDataKey", region, "{\"KeyId\":\"" + keyId + "\",\"KeySpec\":\"AES_256\"}", ts));
        reqs.add("GET /healthz HTTP/1.1\r\nHost: " + s.host() + "\r\n\r\n");
      }
      case "gdk" -> reqs.add(rawTc3(s, "GenerateDataKey", region, "{\"KeyId\":\"" + benchKey(s, region) + "\",\"KeySpec\":\"AES_256\"}", ts));
      case "mix" -> {
        List<String[]> keys = Files.readAllLines(Path.of(args[0])).stream().filter(l -> !l.isBlank()).map(l -> l.split(" ")).toList();
        int count = Integer.parseInt(args[1]);
        Random r = new Random(42);
        for (int i = 0; i < count; i++) {
          String[] k = keys.get(r.nextInt(keys.size()));
          int dice = r.nextInt(100);
          if (dice < 70) {
            reqs.add(rawTc3(s, "Decrypt", k[1], "{\"CiphertextBlob\":\"" + k[2] + "\"}", ts));
          } else if (dice < 90) {
            reqs.add(rawTc3(s, "Encrypt", k[1], "{\"KeyId\":\"" + k[0] + "\",\"Plaintext\":\"" + plaintext(32) + "\"}", ts));
          } else {
            reqs.add(rawTc3(s, "GenerateDataKey", k[1], "{\"KeyId\":\"" + k[0] + "\",\"KeySpec\":\"AES_256\"}", ts));
          }
        }
      }
      case "soakmix" -> {
        // The hot mix over the hot keys, with COLD_PERCENT of the requests replaced by the same mix
        // over cold keys, each cold request on a different key drawn at random (SEED) from the cold
        // set: with more such keys in the file than the key cache has room for besides the hot
        // keys, a cold request finds its key evicted since its last turn.
        List<String[]> hot = keyLines(Path.of(args[0]));
        List<String[]> cold = keyLines(Path.of(args[1]));
        int count = Integer.parseInt(args[2]);
        int coldPercent = Integer.parseInt(args[3]);
        Random r = new Random(Long.parseLong(args[4]));
        List<String[]> shuffled = new ArrayList<>(cold);
        java.util.Collections.shuffle(shuffled, r);
        int nextCold = 0;
        for (int i = 0; i < count; i++) {
          String[] k;
          if (r.nextInt(100) < coldPercent) {
            k = shuffled.get(nextCold++ % shuffled.size());
          } else {
            k = hot.get(r.nextInt(hot.size()));
          }
          int dice = r.nextInt(100);
          if (dice < 70) {
            reqs.add(rawTc3(s, "Decrypt", k[1], "{\"CiphertextBlob\":\"" + k[2] + "\"}", ts));
          } else if (dice < 90) {
            reqs.add(rawTc3(s, "Encrypt", k[1], "{\"KeyId\":\"" + k[0] + "\",\"Plaintext\":\"" + plaintext(32) + "\"}", ts));
          } else {
            reqs.add(rawTc3(s, "GenerateDataKey", k[1], "{\"KeyId\":\"" + k[0] + "\",\"KeySpec\":\"AES_256\"}", ts));
          }
        }
      }
      default -> throw new IllegalArgumentException("unknown kind " + kind);
    }
    try (OutputStream o = Files.newOutputStream(out)) {
      for (String req : reqs) {
        o.write(req.getBytes(StandardCharsets.UTF_8));
        o.write(0);
      }
    }
  }

  static List<String[]> keyLines(Path file) throws IOException {
    return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(l -> l.split(" ")).toList();
  }

  private static final Map<String, String> BENCH_KEYS = new HashMap<>();

  /** The region bench.sh serves with KMS_SM_REGIONS: its keys are SM4. */
  static final String SM_REGION = "bench-sm";

  /** One key per region for the single-key scenarios, created on first use. */
  static String benchKey(Server s, String region) throws Exception {
    String k = BENCH_KEYS.get(region);
    if (k == null) {
      k = field(call(s, "CreateKey", region, "{\"Alias\":\"bench-single-" + Long.toHexString(RANDOM.nextLong()) + "\"}").get(), "KeyId");
      BENCH_KEYS.put(region, k);
    }
    return k;
  }

  /**
   * API 2.0 Encrypt needs a fresh nonce per request, so a signature per request: line 1 is the
   * form body up to {@code Nonce=}, line 2 the text between nonce and signature, then one
   * {@code nonce signature} line per request (signature already URL-encoded).
   */
  static void v2(Server s, int bytes, int count, long nonceStart, Path out) throws Exception {
    String keyId = benchKey(s, "ap-guangzhou");
    String host = s.host();
    Map<String, String> p = new TreeMap<>();
    p.put("Action", "Encrypt");
    p.put("Region", "gz");
    p.put("SecretId", s.secretId());
    p.put("SignatureMethod", "HmacSHA256");
    p.put("Timestamp", Long.toString(System.currentTimeMillis() / 1000));
    p.put("keyId", keyId);
    p.put("plaintext", plaintext(bytes));
    String prefix = p.entrySet().stream().map(e -> e.getKey() + "=" + enc(e.getValue())).collect(Collectors.joining("&")) + "&Nonce=";
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(s.secretKey().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    try (BufferedWriter w = Files.newBufferedWriter(out)) {
      w.write(prefix);
      w.write("\n&Signature=\n");
      for (long n = nonceStart; n < nonceStart + count; n++) {
        Map<String, String> q = new TreeMap<>(p);
        q.put("Nonce", Long.toString(n));
        StringBuilder sts = new StringBuilder("POST").append(host).append("/v2/index.php?");
        boolean first = true;
        for (Map.Entry<String, String> e : q.entrySet()) {
          sts.append(first ? "" : "&").append(e.getKey().replace('_', '.')).append('=').append(e.getValue());
          first = false;
        }
        String sig = Base64.getEncoder().encodeToString(mac.doFinal(sts.toString().getBytes(StandardCharsets.UTF_8)));
        w.write(n + " " + enc(sig) + "\n");
      }
    }
  }

  static String enc(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- bursts

  /**
   * Sends {@code count} copies of one TC3 request (signed once per URL, so resending it is allowed)
   * to every URL at once, all in flight together. Prints one line per URL, {@code URL ok N
   * throttled N other N}, then {@code elapsed_ms N}: from the first send to the last answer.
   */
  static void burst(List<String> urls, String secretId, String secretKey, int count, String action, String body) throws Exception {
    long ts = System.currentTimeMillis() / 1000;
    List<HttpRequest> requests = new ArrayList<>();
    for (String url : urls) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/")).timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofString(body));
      tc3Headers(new Server(url, secretId, secretKey), action, "ap-guangzhou", body, ts).forEach((k, v) -> {
        if (!k.equals("Host")) {
          b.header(k, v);
        }
      });
      requests.add(b.build());
    }
    int[][] results = new int[urls.size()][3];
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      for (int u = 0; u < urls.size(); u++) {
        int[] r = results[u];
        sent.add(HTTP.sendAsync(requests.get(u), HttpResponse.BodyHandlers.ofString()).thenAccept(resp -> {
          String text = resp.body();
          synchronized (r) {
            r[resp.statusCode() == 200 && !text.contains("\"Error\"") ? 0 : text.contains("\"RequestLimitExceeded\"") ? 1 : 2]++;
          }
        }));
      }
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    for (int u = 0; u < urls.size(); u++) {
      System.out.printf("%s ok %d throttled %d other %d%n", urls.get(u), results[u][0], results[u][1], results[u][2]);
    }
    System.out.println("elapsed_ms " + elapsedMs);
  }

  // ---------------------------------------------------------------- checked round trips

  /**
   * Checked calls at {@code rate} per second until {@code stop} exists, in turn: Decrypt of a
   * seeded ciphertext (its plaintext is in the key file), Encrypt of fresh random bytes and then
   * Decrypt of the result, GenerateDataKey and then Decrypt of its CiphertextBlob; the key
   * alternately from the hot and the cold set. A success whose plaintext differs byte for byte
   * from the expected one, or whose Decrypt names another KeyId, is a wrong answer; an error
   * answer, an HTTP failure or a timeout is a failed check. {@code out} gets one line per second,
   * "epochMillis ok failed wrong" (checks finished in that second); stdout the totals at the end,
   * stderr the failures by error code and the first wrong answers in full.
   */
  static void verify(Server s, Path hotFile, Path coldFile, double rate, Path stop, Path out) throws Exception {
    List<String[]> hot = keyLines(hotFile);
    List<String[]> cold = keyLines(coldFile);
    int maxInFlight = 16;
    Semaphore inFlight = new Semaphore(maxInFlight);
    java.util.concurrent.atomic.AtomicLongArray counts = new java.util.concurrent.atomic.AtomicLongArray(3); // ok, failed, wrong
    Map<String, Long> failures = new java.util.concurrent.ConcurrentHashMap<>();
    List<String> wrongs = java.util.Collections.synchronizedList(new ArrayList<>());
    Random r = new Random();
    long period = (long) (1e9 / rate);
    long next = System.nanoTime();
    long skipped = 0;
    long checks = 0;
    long[] written = new long[3];
    try (BufferedWriter w = Files.newBufferedWriter(out)) {
      long nextLine = (System.currentTimeMillis() / 1000 + 1) * 1000;
      while (true) {
        long nowMs = System.currentTimeMillis();
        if (nowMs >= nextLine) {
          writeCounts(w, nextLine, counts, written);
          nextLine += 1000;
          if (Files.exists(stop)) {
            break;
          }
        }
        long now = System.nanoTime();
        if (now < next) {
          java.util.concurrent.locks.LockSupport.parkNanos(Math.min(next - now, 50_000_000L));
          continue;
        }
        // No burst to catch up after a stall of this process.
        next = Math.max(next + period, now - 1_000_000_000L);
        if (!inFlight.tryAcquire()) {
          skipped++;
          continue;
        }
        long n = checks++;
        check(s, n, n % 2 == 0 ? hot : cold, r).whenComplete((wrong, e) -> {
          if (e != null) {
            Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            String msg = String.valueOf(c.getMessage());
            Matcher m = Pattern.compile("\"Code\"\\s*:\\s*\"([^\"]*)\"").matcher(msg);
            failures.merge(m.find() ? m.group(1) : c.getClass().getSimpleName(), 1L, Long::sum);
            counts.incrementAndGet(1);
          } else if (wrong != null) {
            if (wrongs.size() < 20) {
              wrongs.add(wrong);
            }
            counts.incrementAndGet(2);
          } else {
            counts.incrementAndGet(0);
          }
          inFlight.release();
        });
      }
      boolean drained = inFlight.tryAcquire(maxInFlight, 40, java.util.concurrent.TimeUnit.SECONDS);
      writeCounts(w, System.currentTimeMillis(), counts, written);
      if (!drained) {
        System.err.println("  verify: checks still unanswered after 40 s");
      }
    }
    System.out.printf("checks=%d ok=%d failed=%d wrong=%d skipped=%d%n", checks, counts.get(0), counts.get(1), counts.get(2), skipped);
    new TreeMap<>(failures).forEach((k, v) -> System.err.printf("  verify: failed %s: %d%n", k, v));
    wrongs.forEach(x -> System.err.println("  verify: WRONG ANSWER " + x));
  }

  static void writeCounts(BufferedWriter w, long at, java.util.concurrent.atomic.AtomicLongArray counts, long[] written) throws IOException {
    long[] c = {counts.get(0), counts.get(1), counts.get(2)};
    w.write(at + " " + (c[0] - written[0]) + " " + (c[1] - written[1]) + " " + (c[2] - written[2]) + "\n");
    w.flush();
    System.arraycopy(c, 0, written, 0, 3);
  }

  /** One checked call (or pair); completes with null when right, else a description of the wrong answer. */
  static CompletableFuture<String> check(Server s, long n, List<String[]> keys, Random r) {
    String[] k = keys.get(r.nextInt(keys.size()));
    String keyId = k[0];
    String region = k[1];
    switch ((int) ((n / 2) % 3)) {
      case 0 -> {
        return call(s, "Decrypt", region, "{\"CiphertextBlob\":\"" + k[2] + "\"}")
            .thenApply(dec -> compare("Decrypt of the seeded ciphertext", keyId, k[3], dec));
      }
      case 1 -> {
        String plain = plaintext(32);
        return call(s, "Encrypt", region, "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"" + plain + "\"}")
            .thenCompose(enc -> call(s, "Decrypt", region, "{\"CiphertextBlob\":\"" + field(enc, "CiphertextBlob") + "\"}"))
            .thenApply(dec -> compare("Encrypt then Decrypt", keyId, plain, dec));
      }
      default -> {
        return call(s, "GenerateDataKey", region, "{\"KeyId\":\"" + keyId + "\",\"KeySpec\":\"AES_256\"}")
            .thenCompose(gdk -> call(s, "Decrypt", region, "{\"CiphertextBlob\":\"" + field(gdk, "CiphertextBlob") + "\"}")
                .thenApply(dec -> compare("GenerateDataKey then Decrypt", keyId, field(gdk, "Plaintext"), dec)));
      }
    }
  }

  static String compare(String what, String keyId, String expectedB64, String decryptAnswer) {
    byte[] expected = Base64.getDecoder().decode(expectedB64);
    byte[] got = Base64.getDecoder().decode(field(decryptAnswer, "Plaintext"));
    String gotKey = field(decryptAnswer, "KeyId");
    if (java.util.Arrays.equals(expected, got) && gotKey.equals(keyId)) {
      return null;
    }
    return what + " under " + keyId + ": expected " + expectedB64 + ", got " + Base64.getEncoder().encodeToString(got) + " from " + gotKey;
  }

  // ---------------------------------------------------------------- server-side counters

  private static final Pattern REQUESTS = Pattern.compile("^kms_requests_total\\{(.*)} (\\S+)$", Pattern.MULTILINE);

  /** Prints "success failure": the sums of kms_requests_total with result 0 and with any other result. */
  static void counters(String metricsUrl) throws Exception {
    String body = HTTP.send(HttpRequest.newBuilder(URI.create(metricsUrl)).build(), HttpResponse.BodyHandlers.ofString()).body();
    double ok = 0;
    double failed = 0;
    Map<String, Double> failures = new TreeMap<>();
    Matcher m = REQUESTS.matcher(body);
    while (m.find()) {
      double v = Double.parseDouble(m.group(2));
      if (m.group(1).contains("result=\"0\"")) {
        ok += v;
      } else {
        failed += v;
        failures.merge(m.group(1), v, Double::sum);
      }
    }
    System.out.printf("%.0f %.0f%n", ok, failed);
    failures.forEach((k, v) -> System.err.printf("  non-success so far: {%s} %.0f%n", k, v));
  }

  // ---------------------------------------------------------------- JFR summary

  /**
   * Where the CPU goes: each sample is charged to one area, by the innermost frame of our own
   * code on its stack (so JDK and library work counts for the tkms step that asked for it), or by
   * thread when no tkms frame is on the stack; then the top methods by own samples.
   */
  static void jfrTop(Path file, int n, long fromMs, long toMs) throws IOException {
    String[][] areas = {
        {"signature check (TC3, API 2.0)", "io.tkms.adapter.http.auth.", "io.tkms.crypto.Hmacs"},
        {"request decoding (JSON, forms, parameters)", "io.tkms.adapter.http.wire.", "io.tkms.adapter.http.v3.V3Input",
            "io.tkms.adapter.http.v3.V3Endpoint.tc3Input", "io.tkms.adapter.http.v3.V3Endpoint.plain", "io.tkms.adapter.http.v2.V2Request",
            "io.tkms.domain.EncryptionContext"},
        {"cipher: HKDF + AES-GCM + blob codec", "io.tkms.crypto.", "io.tkms.domain.CiphertextBlob"},
        {"response encoding (JSON envelope)", "io.tkms.adapter.http.v3.V3Response", "io.tkms.adapter.http.v2.V2Response"},
        {"action handlers (Base64, result JSON)", "io.tkms.adapter.http.v3.V3Actions", "io.tkms.adapter.http.v2.V2Actions"},
        {"audit event", "io.tkms.adapter.audit."},
        {"metrics", "io.tkms.adapter.metrics."},
        {"account limiter", "io.tkms.adapter.ratelimit."},
        {"key cache and use case", "io.tkms.application."},
        {"crypto worker hand-off", "io.tkms.adapter.worker."},
        {"pipeline steps (incl. writing the answer to the socket)", "io.tkms.adapter.http."},
    };
    Map<String, Integer> byArea = new LinkedHashMap<>();
    Map<String, Integer> self = new HashMap<>();
    int total = 0;
    try (RecordingFile rf = new RecordingFile(file)) {
      while (rf.hasMoreEvents()) {
        RecordedEvent e = rf.readEvent();
        String type = e.getEventType().getName();
        boolean inJava = type.equals("jdk.ExecutionSample");
        if (!(inJava || type.equals("jdk.NativeMethodSample")) || e.getStackTrace() == null
            || e.getStackTrace().getFrames().isEmpty()) {
          continue;
        }
        long at = e.getStartTime().toEpochMilli();
        if (at < fromMs || at > toMs) {
          continue;
        }
        List<RecordedFrame> frames = e.getStackTrace().getFrames();
        if (!inJava) {
          // Threads waiting in native code (selectors, pipe reads of the embedded Postgres' output,
          // the JFR and attach machinery) are idle; socket reads and writes and log output are work.
          String top = name(frames.get(0));
          String lower = top.toLowerCase(java.util.Locale.ROOT);
          // NIO (sun.nio.ch) or Netty's epoll transport (io.netty.channel.unix / .epoll natives).
          boolean transport = top.startsWith("sun.nio.ch.") || top.startsWith("io.netty.channel.unix.")
              || top.startsWith("io.netty.channel.epoll.");
          boolean socket = transport && !lower.contains("poll") && !lower.contains("accept") && !lower.contains("select")
              && !lower.contains("eventfdread") && !lower.contains("timerfd");
          boolean logOutput = top.equals("java.io.FileOutputStream.writeBytes");
          if (!socket && !logOutput) {
            continue;
          }
          total++;
          self.merge(top + " (native)", 1, Integer::sum);
          byArea.merge(socket ? "socket reads and writes (native)" : "log and audit output (native)", 1, Integer::sum);
          continue;
        }
        total++;
        self.merge(name(frames.get(0)), 1, Integer::sum);
        String area = null;
        for (RecordedFrame f : frames) {
          String fn = name(f);
          if (!fn.startsWith("io.tkms.")) {
            continue;
          }
          for (String[] a : areas) {
            for (int i = 1; i < a.length && area == null; i++) {
              if (fn.startsWith(a[i])) {
                area = a[0];
              }
            }
          }
          if (area != null) {
            break;
          }
        }
        if (area == null) {
          String thread = e.getThread("sampledThread") == null ? "" : String.valueOf(e.getThread("sampledThread").getJavaName());
          area = thread.startsWith("vert.x-eventloop") ? "HTTP codec, Netty I/O, Vert.x (event loop, no tkms frame)"
              : thread.startsWith("kms-crypto") ? "crypto worker, outside tkms code"
              : thread.contains("logback") || thread.contains("AsyncAppender") ? "audit writer thread (logback)"
              : "other threads (" + thread.replaceAll("[0-9]+", "N") + ")";
        }
        byArea.merge(area, 1, Integer::sum);
      }
    }
    PrintStream o = System.out;
    int t = Math.max(total, 1);
    o.printf("%d samples (jdk.ExecutionSample, plus jdk.NativeMethodSample in socket reads and writes)%n%n| Area (innermost tkms frame, else thread) | %% of samples |%n|---|---:|%n", total);
    byArea.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .forEach(e -> o.printf("| %s | %.1f |%n", e.getKey(), 100.0 * e.getValue() / t));
    o.printf("%n| Top methods by own samples | %% |%n|---|---:|%n");
    self.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(n)
        .forEach(e -> o.printf("| `%s` | %.1f |%n", e.getKey(), 100.0 * e.getValue() / t));
  }

  static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }
}
