package io.tkms.it;

import io.tkms.adapter.http.auth.V2Signature;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Signs and sends API 2.0 requests the way the official SDKs do, with knobs to break them. */
public final class V2Client {
  private static final AtomicLong NONCE = new AtomicLong(System.nanoTime() & 0xFFFFFFFL);
  private final int port;
  private final String secretId;
  private final String secretKey;

  public V2Client(int port, String secretId, String secretKey) {
    this.port = port;
    this.secretId = secretId;
    this.secretKey = secretKey;
  }

  public String secretId() {
    return secretId;
  }

  public String secretKey() {
    return secretKey;
  }

  public Req request(String action) {
    return new Req(action);
  }

  /** Shortcut: a POSTed, correctly signed call. */
  public JsonObject call(String action, String... nameValues) {
    Req r = request(action);
    for (int i = 0; i < nameValues.length; i += 2) {
      r.param(nameValues[i], nameValues[i + 1]);
    }
    return r.send();
  }

  /** One request under construction. */
  public final class Req {
    private final Map<String, String> params = new LinkedHashMap<>();
    private String method = "POST";
    private String host = "127.0.0.1:" + port;
    private String signedHost;
    private String signatureMethod = "HmacSHA256";
    private boolean multipart;
    private String signatureOverride;
    private String keyOverride;
    private String path = "/v2/index.php";

    Req(String action) {
      params.put("Action", action);
      params.put("Region", "gz");
      params.put("Timestamp", Long.toString(System.currentTimeMillis() / 1000));
      params.put("Nonce", Long.toString(NONCE.incrementAndGet()));
      params.put("SecretId", secretId);
    }

    public Req param(String name, String value) {
      if (value == null) {
        params.remove(name);
      } else {
        params.put(name, value);
      }
      return this;
    }

    public Req get() {
      method = "GET";
      return this;
    }

    public Req method(String m) {
      method = m;
      return this;
    }

    public Req host(String h) {
      host = h;
      return this;
    }

    /** Sign for another host than the one sent. */
    public Req signedHost(String h) {
      signedHost = h;
      return this;
    }

    /**
     * Signs for and sends to {@code p}: {@code /} is API 3.0's legacy form signing (add a Version).
     */
    public Req path(String p) {
      path = p;
      return this;
    }

    public Req sha1() {
      signatureMethod = "HmacSHA1";
      return this;
    }

    public Req multipart() {
      multipart = true;
      return this;
    }

    public Req signature(String s) {
      signatureOverride = s;
      return this;
    }

    public Req signWith(String key) {
      keyOverride = key;
      return this;
    }

    /** The signed parameters. */
    public Map<String, String> signed() {
      Map<String, String> p = new LinkedHashMap<>(params);
      p.put("SignatureMethod", signatureMethod);
      String sts =
          V2Signature.stringToSign(
              method.equals("GET") ? "GET" : "POST",
              signedHost == null ? host : signedHost,
              path,
              p);
      String key = keyOverride == null ? secretKey : keyOverride;
      byte[] mac =
          V2Signature.compute(
              V2Signature.Algorithm.of(signatureMethod), key.getBytes(StandardCharsets.UTF_8), sts);
      p.put(
          "Signature",
          signatureOverride != null
              ? signatureOverride
              : java.util.Base64.getEncoder().encodeToString(mac));
      return p;
    }

    public RawHttp.Response sendRaw() {
      Map<String, String> p = signed();
      if (method.equals("GET")) {
        return RawHttp.send(
            port, "GET " + path + "?" + form(p) + " HTTP/1.1\r\nHost: " + host, null);
      }
      if (multipart) {
        String boundary = "----tkms" + NONCE.incrementAndGet();
        StringBuilder b = new StringBuilder();
        p.forEach(
            (k, v) ->
                b.append("--")
                    .append(boundary)
                    .append("\r\nContent-Disposition: form-data; name=\"")
                    .append(k)
                    .append("\"\r\n\r\n")
                    .append(v)
                    .append("\r\n"));
        b.append("--").append(boundary).append("--\r\n");
        return RawHttp.send(
            port,
            method
                + " "
                + path
                + " HTTP/1.1\r\nHost: "
                + host
                + "\r\nContent-Type: multipart/form-data; boundary="
                + boundary,
            b.toString().getBytes(StandardCharsets.UTF_8));
      }
      return RawHttp.send(
          port,
          method
              + " "
              + path
              + " HTTP/1.1\r\nHost: "
              + host
              + "\r\nContent-Type: application/x-www-form-urlencoded",
          form(p).getBytes(StandardCharsets.UTF_8));
    }

    public JsonObject send() {
      RawHttp.Response r = sendRaw();
      if (r.status() != 200) {
        throw new AssertionError("HTTP " + r.status() + ": " + r.text());
      }
      return new JsonObject(r.text());
    }
  }

  public static String form(Map<String, String> p) {
    StringBuilder sb = new StringBuilder();
    p.forEach(
        (k, v) -> {
          if (sb.length() > 0) {
            sb.append('&');
          }
          sb.append(URLEncoder.encode(k, StandardCharsets.UTF_8))
              .append('=')
              .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
    return sb.toString();
  }
}
