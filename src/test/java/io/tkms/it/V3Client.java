package io.tkms.it;

import io.tkms.adapter.http.auth.Tc3Signature;
import io.tkms.crypto.Hmacs;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Signs API 3.0 requests with TC3-HMAC-SHA256 the way the SDKs do, with knobs to break them. */
public final class V3Client {
  private final int port;
  private final String secretId;
  private final String secretKey;

  public V3Client(int port, String secretId, String secretKey) {
    this.port = port;
    this.secretId = secretId;
    this.secretKey = secretKey;
  }

  public Req request(String action) {
    return new Req(action);
  }

  /** Shortcut: POST JSON, correctly signed; returns the {@code Response} object. */
  public JsonObject call(String action, JsonObject body) {
    return request(action).body(body).send();
  }

  /** One request under construction. */
  public final class Req {
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String method = "POST";
    private String query = "";
    private String body = "{}";
    private long timestamp = System.currentTimeMillis() / 1000;
    private String scopeDate;
    private String service = "kms";
    private String signWith = secretKey;
    private boolean unsignedPayload;
    private String signedBody;
    private String authorization;
    private List<String> signed = List.of("content-type", "host");

    Req(String action) {
      headers.put("Host", "127.0.0.1:" + port);
      headers.put("Content-Type", "application/json");
      headers.put("X-TC-Action", action);
      headers.put("X-TC-Version", "2019-01-18");
      headers.put("X-TC-Region", "ap-guangzhou");
    }

    public Req header(String name, String value) {
      if (value == null) {
        headers.remove(name);
      } else {
        headers.put(name, value);
      }
      return this;
    }

    public Req body(JsonObject json) {
      body = json.encode();
      return this;
    }

    public Req rawBody(String raw) {
      body = raw;
      return this;
    }

    /** GET with this raw query (already encoded); the body is empty. */
    public Req get(String rawQuery) {
      method = "GET";
      query = rawQuery;
      body = "";
      headers.put("Content-Type", "application/x-www-form-urlencoded");
      return this;
    }

    /** Sends (and signs) this raw query (already encoded) with the request's method. */
    public Req query(String rawQuery) {
      query = rawQuery;
      return this;
    }

    /** Signs these headers (lower-case names, in this order) instead of content-type and host. */
    public Req signedHeaders(String... names) {
      signed = List.of(names);
      return this;
    }

    public Req method(String m) {
      method = m;
      return this;
    }

    public Req timestamp(long t) {
      timestamp = t;
      return this;
    }

    public Req scopeDate(String d) {
      scopeDate = d;
      return this;
    }

    public Req service(String s) {
      service = s;
      return this;
    }

    public Req signWith(String key) {
      signWith = key;
      return this;
    }

    public Req unsignedPayload() {
      unsignedPayload = true;
      headers.put("X-TC-Content-SHA256", "UNSIGNED-PAYLOAD");
      return this;
    }

    /** Sign this body but send another one. */
    public Req signedBody(String b) {
      signedBody = b;
      return this;
    }

    public Req authorization(String a) {
      authorization = a;
      return this;
    }

    private String sign() {
      String date =
          scopeDate != null
              ? scopeDate
              : Instant.ofEpochSecond(timestamp).atOffset(ZoneOffset.UTC).toLocalDate().toString();
      headers.put("X-TC-Timestamp", Long.toString(timestamp));
      byte[] payload = (signedBody != null ? signedBody : body).getBytes(StandardCharsets.UTF_8);
      String hashed =
          unsignedPayload
              ? Hmacs.sha256Hex("UNSIGNED-PAYLOAD".getBytes(StandardCharsets.UTF_8))
              : Hmacs.sha256Hex(payload);
      Map<String, String> lower = new LinkedHashMap<>();
      headers.forEach((k, v) -> lower.put(k.toLowerCase(), v));
      String canonical = Tc3Signature.canonicalRequest(method, query, lower::get, signed, hashed);
      String sts = Tc3Signature.stringToSign(timestamp, date, service, canonical);
      byte[] key =
          Tc3Signature.signingKey(signWith.getBytes(StandardCharsets.UTF_8), date, service);
      String sig =
          HexFormat.of().formatHex(Hmacs.hmacSha256(key, sts.getBytes(StandardCharsets.UTF_8)));
      return "TC3-HMAC-SHA256 Credential="
          + secretId
          + "/"
          + date
          + "/"
          + service
          + "/tc3_request, SignedHeaders="
          + String.join(";", signed)
          + ", Signature="
          + sig;
    }

    /** Every header the request would carry, Authorization included (for other HTTP clients). */
    public Map<String, String> headersToSend() {
      headers.put("X-TC-Timestamp", Long.toString(timestamp));
      Map<String, String> all = new LinkedHashMap<>(headers);
      all.put("Authorization", authorization != null ? authorization : sign());
      return all;
    }

    public String bodyText() {
      return body;
    }

    public RawHttp.Response sendRaw() {
      headers.put("X-TC-Timestamp", Long.toString(timestamp));
      String auth = authorization != null ? authorization : sign();
      StringBuilder head =
          new StringBuilder(method + " /" + (query.isEmpty() ? "" : "?" + query) + " HTTP/1.1");
      headers.forEach((k, v) -> head.append("\r\n").append(k).append(": ").append(v));
      head.append("\r\nAuthorization: ").append(auth);
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      return RawHttp.send(port, head.toString(), method.equals("GET") ? null : b);
    }

    /** The {@code Response} object of a 200 answer. */
    public JsonObject send() {
      RawHttp.Response r = sendRaw();
      if (r.status() != 200) {
        throw new AssertionError("HTTP " + r.status() + ": " + r.text());
      }
      return new JsonObject(r.text()).getJsonObject("Response");
    }
  }

  /** The error code of a {@code Response}, or null on success. */
  public static String code(JsonObject response) {
    JsonObject e = response.getJsonObject("Error");
    return e == null ? null : e.getString("Code");
  }
}
