package io.tkms.adapter.http.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One TC3-signed request, loaded from {@code src/test/resources/sdk-captures/<id>.json} (or built
 * by a test), and run through the server-side verification the way the v3 endpoint will.
 */
record Tc3Capture(String method, String rawQuery, List<String[]> headers, byte[] body) {
  static final byte[] SECRET = "EXAMPLESECRETKEY".getBytes(StandardCharsets.UTF_8);

  /** Every TC3-signed capture (the others are API 2.0 signed). */
  static final List<String> IDS =
      List.of("01", "02", "05", "06", "07", "09", "10", "11", "12", "13", "15", "16");

  static Tc3Capture load(String id) {
    JsonObject json;
    try (InputStream in = Tc3Capture.class.getResourceAsStream("/sdk-captures/" + id + ".json")) {
      json = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String[]> headers = new ArrayList<>();
    for (Object h : json.getJsonArray("headers")) {
      JsonArray pair = (JsonArray) h;
      headers.add(new String[] {pair.getString(0), pair.getString(1)});
    }
    String path = json.getString("path");
    int q = path.indexOf('?');
    return new Tc3Capture(
        json.getString("method"),
        q < 0 ? null : path.substring(q + 1),
        List.copyOf(headers),
        json.getString("body").getBytes(StandardCharsets.UTF_8));
  }

  /** The first value of header {@code name} (any case), or null: what the HTTP server gives. */
  String header(String name) {
    for (String[] h : headers) {
      if (h[0].equalsIgnoreCase(name)) {
        return h[1];
      }
    }
    return null;
  }

  Function<String, String> headerLookup() {
    return this::header;
  }

  Tc3Capture withHeader(String name, String value) {
    List<String[]> copy = new ArrayList<>();
    for (String[] h : headers) {
      if (!h[0].equalsIgnoreCase(name)) {
        copy.add(h);
      }
    }
    if (value != null) {
      copy.add(new String[] {name, value});
    }
    return new Tc3Capture(method, rawQuery, copy, body);
  }

  Tc3Capture withBody(byte[] newBody) {
    return new Tc3Capture(method, rawQuery, headers, newBody);
  }

  Tc3Capture withQuery(String newQuery) {
    return new Tc3Capture(method, newQuery, headers, body);
  }

  Tc3Capture withMethod(String newMethod) {
    return new Tc3Capture(newMethod, rawQuery, headers, body);
  }

  Tc3Authorization authorization() {
    return Tc3Authorization.parse(header("Authorization"));
  }

  long timestamp() {
    return Long.parseLong(header("X-TC-Timestamp"));
  }

  String hashedPayload() {
    return Tc3Signature.hashedPayload(body, headerLookup());
  }

  List<String> stringsToSign(long ts) {
    return Tc3Signature.stringsToSign(
        authorization(), ts, method, rawQuery, headerLookup(), hashedPayload());
  }

  String canonicalRequest() {
    return Tc3Signature.canonicalRequest(
        method, rawQuery, headerLookup(), authorization().signedHeaders(), hashedPayload());
  }

  /** The server's whole check except the ±5 min window: scope date, then signature. */
  boolean verifies(byte[] secret) {
    Tc3Authorization auth = authorization();
    long ts = timestamp();
    return Tc3Signature.scopeDateMatches(auth.date(), ts) && signatureVerifies(secret, ts);
  }

  boolean verifies() {
    return verifies(SECRET);
  }

  /** The signature alone, at timestamp {@code ts} (scope date not checked). */
  boolean signatureVerifies(byte[] secret, long ts) {
    Tc3Authorization auth = authorization();
    byte[] key = Tc3Signature.signingKey(secret, auth.date(), auth.service());
    return Tc3Signature.verifyRequest(
        key, auth, ts, method, rawQuery, headerLookup(), hashedPayload());
  }

  /** The capture's Authorization header with one part replaced. */
  Tc3Capture withAuthorization(Function<String, String> edit) {
    return withHeader("Authorization", edit.apply(header("Authorization")));
  }

  static char other(char c) {
    return Character.toLowerCase(c) == 'x' ? 'y' : 'x';
  }

  static String replaceAt(String s, int i, char c) {
    char[] chars = s.toCharArray();
    chars[i] = c;
    return new String(chars);
  }

  @Override
  public String toString() {
    return method + " ?" + rawQuery + " " + new String(body, StandardCharsets.UTF_8);
  }
}
