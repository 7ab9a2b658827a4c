package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed API 2.0 requests, sent byte for byte with {@link RawHttp}. Each row names the wire
 * answer it must get (HTTP 200, the v2 {@code code}, the module code opening {@code message}, and
 * where it matters {@code codeDesc}); after every row a valid signed call must still succeed.
 *
 * <p>Expected codes follow the pipeline of {@code V2Endpoint}: body size (at end of body) → HTTP
 * method → decode (query, then body by content type; parameter cap) → duplicate names → indexed
 * names → Action, SecretId, Signature, Timestamp, Nonce present and numeric → region → Token →
 * credential and signature → action name → the action's own parameter checks.
 */
@Timeout(60)
class BadInputIT {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  static V2Client client;
  static String keyId;

  @BeforeAll
  static void createKey() {
    client = server.bootstrapClient();
    keyId = Keys.create(client, "bad-input");
  }

  /**
   * One row: a request and the answer it must get. {@code code} 0 means a success envelope; a null
   * {@code codeDesc} or {@code messagePart} is not checked.
   */
  record Case(
      String name,
      Supplier<RawHttp.Response> request,
      int code,
      int module,
      String codeDesc,
      String messagePart) {
    @Override
    public String toString() {
      return name + " -> " + (code == 0 ? "0" : code + "/" + module);
    }
  }

  static Case row(
      String name, int code, int module, String codeDesc, Supplier<RawHttp.Response> request) {
    return new Case(name, request, code, module, codeDesc, null);
  }

  static Case row(
      String name,
      int code,
      int module,
      String codeDesc,
      String messagePart,
      Supplier<RawHttp.Response> request) {
    return new Case(name, request, code, module, codeDesc, messagePart);
  }

  // Wire-code shorthands (ErrorCode.java).
  static final String UNPARSABLE = "InvalidParameter"; // 4000/10420 REQUEST_UNPARSABLE
  static final String TOO_LARGE = "RequestSizeLimitExceeded"; // 4000/10420 REQUEST_TOO_LARGE
  static final String DUPLICATE = "InvalidParameter"; // 4000/10350 DUPLICATE_PARAMETER
  static final String BAD_VALUE = "InvalidParameterValue"; // 4000/10350 INVALID_PARAMETER_VALUE
  static final String MISSING = "MissingParameter"; // 4000/10010
  static final String NOT_REPEATABLE = "InvalidParameter"; // 4000/10330
  static final String BAD_METHOD = "UnsupportedProtocol"; // 4000/10410

  static Stream<Case> cases() {
    return Stream.of(
        // --- Broken percent-encoding: the decoder refuses before anything else is looked at.
        row(
            "withBrokenPercentEncoding_lonePercent",
            4000,
            10420,
            UNPARSABLE,
            "percent-escape",
            () -> form("Action=ListKey&x=%")),
        row(
            "withBrokenPercentEncoding_nonHexDigit",
            4000,
            10420,
            UNPARSABLE,
            "percent-escape",
            () -> form("Action=ListKey&x=%G1")),
        row(
            "withBrokenPercentEncoding_truncatedEscapeAtEnd",
            4000,
            10420,
            UNPARSABLE,
            "percent-escape",
            () -> form("Action=ListKey&x=%4")),
        row(
            "withBrokenPercentEncoding_inName",
            4000,
            10420,
            UNPARSABLE,
            "percent-escape",
            () -> form("Act%zzion=ListKey")),
        row(
            "withBrokenPercentEncoding_inQueryString",
            4000,
            10420,
            UNPARSABLE,
            "percent-escape",
            () -> get("Action=ListKey&x=%G1")),

        // --- Bytes that are not well-formed UTF-8 once decoded.
        row(
            "withInvalidUtf8_afterDecoding",
            4000,
            10420,
            UNPARSABLE,
            "UTF-8",
            () -> form("Action=ListKey&x=%C3%28")),
        row(
            "withInvalidUtf8_overlongSlash",
            4000,
            10420,
            UNPARSABLE,
            "UTF-8",
            () -> form("Action=ListKey&x=%C0%AF")),
        row(
            "withInvalidUtf8_encodedSurrogate",
            4000,
            10420,
            UNPARSABLE,
            "UTF-8",
            () -> form("Action=ListKey&x=%ED%A0%80")),
        row(
            "withInvalidUtf8_rawByteInBody",
            4000,
            10420,
            UNPARSABLE,
            "UTF-8",
            () ->
                post(
                    "application/x-www-form-urlencoded",
                    concat(
                        "Action=ListKey&x=".getBytes(StandardCharsets.US_ASCII),
                        new byte[] {(byte) 0xFF}))),
        row(
            "withLatin1Charset_stillDecodedAsStrictUtf8",
            4000,
            10420,
            UNPARSABLE,
            "UTF-8",
            () ->
                post(
                    "application/x-www-form-urlencoded; charset=ISO-8859-1",
                    concat(
                        "Action=ListKey&x=caf".getBytes(StandardCharsets.US_ASCII),
                        new byte[] {(byte) 0xE9}))),

        // --- Repeated names are refused, never resolved (the signature covers one value per name).
        row(
            "withDuplicateParameter_sameNameTwice",
            4000,
            10350,
            DUPLICATE,
            "given more than once",
            () -> form("Action=ListKey&Action=ListKey")),
        row(
            "withDuplicateParameter_spelledDifferently",
            4000,
            10350,
            DUPLICATE,
            "given more than once",
            () -> form("Action=ListKey&%41ction=ListKey")),
        row(
            "withDuplicateParameter_inQueryAndBody",
            4000,
            10350,
            DUPLICATE,
            "given more than once",
            () ->
                RawHttp.send(
                    port(),
                    "POST /v2/index.php?SecretId=a HTTP/1.1\r\nHost: "
                        + host()
                        + "\r\nContent-Type: application/x-www-form-urlencoded",
                    ascii("Action=ListKey&SecretId=b"))),
        row(
            "withDuplicateParameter_beatsMissingAction",
            4000,
            10350,
            DUPLICATE,
            "given more than once",
            () -> form("x=1&x=2")),
        row(
            "withDuplicateControlCharacterName_isNotEchoedRaw",
            4000,
            10350,
            DUPLICATE,
            "parameter evil is given",
            () -> form("%0A%0Devil=1&%0A%0Devil=2")),

        // --- Sizes: large values are parsed and judged; too many parameters or bytes are refused.
        row(
            "withHugeValue_60KB_plaintext_isParsedAndJudgedByTheAction",
            4000,
            10350,
            "InvalidParameterValue.InvalidPlaintext",
            "4096",
            () ->
                client
                    .request("Encrypt")
                    .param("keyId", keyId)
                    .param("plaintext", "A".repeat(60 * 1024))
                    .sendRaw()),
        row(
            "withHugeValue_60KB_unsigned_isParsedThenMissingAction",
            4000,
            10010,
            MISSING,
            "Action",
            () -> form("junk=" + "x".repeat(60 * 1024))),
        row(
            "withHugeDuplicateName_messageStaysShort",
            4000,
            10350,
            DUPLICATE,
            "...",
            () -> form("n" + "a".repeat(30_000) + "=1&n" + "a".repeat(30_000) + "=2")),
        row(
            "withTenThousandParameters_inBody",
            4000,
            10420,
            UNPARSABLE,
            "too many parameters",
            () -> form(manyParams(10_000))),
        row(
            "withTenThousandParameters_inQueryString",
            4000,
            10420,
            UNPARSABLE,
            "too many parameters",
            () -> get(manyParams(10_000))),
        row(
            "withBodyOfExactly64KiB_isStillParsed",
            4000,
            10010,
            MISSING,
            "Action",
            () -> form("pad=" + "a".repeat(64 * 1024 - 4))),
        row(
            "withBodyOver64KiB_byOneByte",
            4000,
            10420,
            TOO_LARGE,
            null,
            () -> form("pad=" + "a".repeat(64 * 1024 - 3))),
        row(
            "withBodyOf1MiB",
            4000,
            10420,
            TOO_LARGE,
            null,
            () -> form("pad=" + "a".repeat(1024 * 1024))),
        row(
            "withBodyOver64KiB_andPut_sizeIsCheckedFirst",
            4000,
            10420,
            TOO_LARGE,
            null,
            () ->
                raw(
                    "PUT",
                    "application/x-www-form-urlencoded",
                    ascii("pad=" + "a".repeat(70_000)))),

        // --- Empty body, wrong content types.
        row(
            "withEmptyBody",
            4000,
            10010,
            MISSING,
            "Action",
            () -> post("application/x-www-form-urlencoded", new byte[0])),
        row(
            "withJsonContentType",
            4000,
            10420,
            UNPARSABLE,
            "content type",
            () -> post("application/json", ascii("{\"Action\":\"ListKey\"}"))),
        row(
            "withTextPlainContentType",
            4000,
            10420,
            UNPARSABLE,
            "content type",
            () -> post("text/plain", ascii("Action=ListKey"))),

        // --- Multipart bodies (the v2 Java SDK's encoding), broken in the ways a decoder must
        // catch.
        row(
            "withMultipartWithoutBoundary",
            4000,
            10420,
            UNPARSABLE,
            "boundary",
            () ->
                post(
                    "multipart/form-data",
                    ascii(multipart("b1", "Action", "ListKey") + "--b1--\r\n"))),
        row(
            "withMultipartEmptyBoundary",
            4000,
            10420,
            UNPARSABLE,
            "boundary",
            () ->
                post(
                    "multipart/form-data; boundary=",
                    ascii(multipart("b1", "Action", "ListKey") + "--b1--\r\n"))),
        row(
            "withMultipartWithoutClosingDelimiter",
            4000,
            10420,
            UNPARSABLE,
            "closing delimiter",
            () ->
                post(
                    "multipart/form-data; boundary=b1",
                    ascii(multipart("b1", "Action", "ListKey")))),
        row(
            "withMultipartFilePart",
            4000,
            10420,
            UNPARSABLE,
            "file parts",
            () ->
                post(
                    "multipart/form-data; boundary=b1",
                    ascii(
                        "--b1\r\nContent-Disposition: form-data; name=\"Action\"; filename=\"a.txt\"\r\n\r\nListKey\r\n--b1--\r\n"))),
        row(
            "withMultipartInvalidUtf8Value",
            4000,
            10420,
            UNPARSABLE,
            "UTF-8",
            () ->
                post(
                    "multipart/form-data; boundary=b1",
                    concat(
                        ascii("--b1\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n"),
                        new byte[] {(byte) 0xC0, (byte) 0xAF},
                        ascii("\r\n--b1--\r\n")))),
        row(
            "withMultipartDuplicateName",
            4000,
            10350,
            DUPLICATE,
            "given more than once",
            () ->
                post(
                    "multipart/form-data; boundary=b1",
                    ascii(
                        multipart("b1", "Action", "ListKey")
                            + multipart("b1", "Action", "ListKey")
                            + "--b1--\r\n"))),
        row(
            "withMultipartTooManyParts",
            4000,
            10420,
            UNPARSABLE,
            "too many parameters",
            () -> {
              StringBuilder b = new StringBuilder();
              for (int i = 0; i < 257; i++) {
                b.append(multipart("b1", "p" + i, "v"));
              }
              return post(
                  "multipart/form-data; boundary=b1", ascii(b.append("--b1--\r\n").toString()));
            }),

        // --- Signed ListKey with out-of-range paging.
        row(
            "withSignedListKey_nonNumericOffset",
            4000,
            10350,
            BAD_VALUE,
            "offset",
            () -> signed("ListKey", "offset", "abc")),
        row(
            "withSignedListKey_negativeLimit",
            4000,
            10350,
            BAD_VALUE,
            "limit",
            () -> signed("ListKey", "limit", "-1")),
        row(
            "withSignedListKey_limitZero",
            4000,
            10350,
            BAD_VALUE,
            "limit",
            () -> signed("ListKey", "limit", "0")),
        row(
            "withSignedListKey_limit201",
            4000,
            10350,
            BAD_VALUE,
            "limit",
            () -> signed("ListKey", "limit", "201")),
        row(
            "withSignedListKey_offsetBeyondLong",
            4000,
            10350,
            BAD_VALUE,
            "offset",
            () -> signed("ListKey", "offset", "99999999999999999999")),

        // --- Common parameters.
        row(
            "withNonNumericTimestamp",
            4000,
            10350,
            BAD_VALUE,
            "Timestamp",
            () -> signed("ListKey", "Timestamp", "soon")),
        row(
            "withNegativeTimestamp",
            4000,
            10350,
            BAD_VALUE,
            "Timestamp",
            () -> signed("ListKey", "Timestamp", "-5")),
        row(
            "withNonNumericNonce",
            4000,
            10350,
            BAD_VALUE,
            "Nonce",
            () -> signed("ListKey", "Nonce", "12x")),
        row(
            "withoutSignature",
            4000,
            10010,
            MISSING,
            "Signature",
            () -> {
              Map<String, String> p = new LinkedHashMap<>(client.request("ListKey").signed());
              p.remove("Signature");
              return form(V2Client.form(p));
            }),
        row(
            "withoutSecretId",
            4000,
            10010,
            MISSING,
            "SecretId",
            () -> client.request("ListKey").param("SecretId", null).sendRaw()),
        row(
            "withoutAction",
            4000,
            10010,
            MISSING,
            "Action",
            () -> client.request("ListKey").param("Action", null).sendRaw()),
        row(
            "withNameButNoValue_isAnEmptyValue",
            4000,
            10010,
            MISSING,
            "Action",
            () -> form("Action&SecretId=x")),
        row(
            "withEmptyName",
            4000,
            10420,
            UNPARSABLE,
            "empty parameter name",
            () -> form("Action=ListKey&=value")),
        row(
            "withUnknownAction_signed",
            4000,
            10280,
            "InvalidAction",
            null,
            () -> signed("DeleteEverything")),
        row(
            "withUnknownAction_unsigned_authenticationComesFirst",
            4100,
            10030,
            "AuthFailure.SignatureFailure",
            null,
            () -> client.request("DeleteEverything").signature("AAAA").sendRaw()),
        row(
            "withUnsupportedRegion_signed",
            4000,
            10350,
            "UnsupportedRegion",
            null,
            () -> signed("ListKey", "Region", "xx")),
        row(
            "withUnsupportedRegionInHost_signed",
            4000,
            10350,
            "UnsupportedRegion",
            null,
            () -> client.request("ListKey").host("kms-xx.api.qcloud.com").sendRaw()),
        row(
            "withToken",
            4100,
            10030,
            "AuthFailure.TokenFailure",
            null,
            () -> signed("ListKey", "Token", "abc")),

        // --- HTTP methods other than GET and POST: still HTTP 200 with the v2 envelope.
        row(
            "withPut",
            4000,
            10410,
            BAD_METHOD,
            null,
            () -> client.request("ListKey").method("PUT").sendRaw()),
        row("withDelete", 4000, 10410, BAD_METHOD, null, () -> raw("DELETE", null, null)),
        row(
            "withPatch",
            4000,
            10410,
            BAD_METHOD,
            null,
            () -> raw("PATCH", "application/x-www-form-urlencoded", ascii("Action=ListKey"))),
        row("withOptions", 4000, 10410, BAD_METHOD, null, () -> raw("OPTIONS", null, null)),
        row(
            "withPut_andBrokenBody_methodIsCheckedBeforeDecoding",
            4000,
            10410,
            BAD_METHOD,
            null,
            () -> raw("PUT", "application/x-www-form-urlencoded", ascii("x=%G1"))),

        // --- Indexed (array) names: no API 2.0 action takes an array.
        row(
            "withIndexedActionParameter_signedEncrypt",
            4000,
            10330,
            NOT_REPEATABLE,
            "keyId",
            () -> signed("Encrypt", "keyId.0", "x", "plaintext", "eA==")),
        row(
            "withIndexedCommonParameter",
            4000,
            10330,
            NOT_REPEATABLE,
            "Nonce",
            () -> signed("ListKey", "Nonce.1", "5")),

        // --- A NUL byte is just a character: it is signed and judged like any other.
        row(
            "withNulByteInSignedExtraValue_isAnOrdinaryValue_ofAnUnknownParameter",
            4000,
            10320,
            "UnknownParameter",
            "has no parameter note",
            () -> signed("ListKey", "note", "a\u0000b")),
        row(
            "withNulByteInSignedKeyId",
            4530,
            10630,
            "InvalidParameterValue.InvalidKeyId",
            null,
            () -> signed("GetKeyAttributes", "keyId", keyId.substring(0, 35) + "\u0000")),

        // --- The Host header takes part in the signature and may name a region.
        row(
            "withGarbageHost_signedForTheRealHost",
            4100,
            10030,
            "AuthFailure.SignatureFailure",
            null,
            () -> client.request("ListKey").host("!!garbage~~host!!").signedHost(host()).sendRaw()),
        row(
            "withGarbageHost_signedForThatHost",
            0,
            0,
            "Success",
            null,
            () -> client.request("ListKey").host("!!garbage~~host!!").sendRaw()),
        row(
            "withNonAsciiHost_signedForThatHost",
            0,
            0,
            "Success",
            null,
            () -> client.request("ListKey").host("\u00ff\u00fe.example").sendRaw()),
        row(
            "withoutHostHeader_signedForAnEmptyHost",
            0,
            0,
            "Success",
            null,
            () ->
                RawHttp.send(
                    port(),
                    "POST /v2/index.php HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded",
                    ascii(V2Client.form(client.request("ListKey").host("").signed())))),

        // --- An action's own checks, reached only with a good signature.
        row(
            "withSignedEncrypt_plaintextNotBase64",
            4590,
            10690,
            "InvalidParameterValue.InvalidPlaintext",
            null,
            () -> signed("Encrypt", "keyId", keyId, "plaintext", "!!!not base64")),
        row(
            "withSignedEncrypt_contextNotJson",
            4540,
            10640,
            "InvalidParameterValue",
            null,
            () ->
                signed(
                    "Encrypt",
                    "keyId",
                    keyId,
                    "plaintext",
                    "eA==",
                    "encryptionContext",
                    "{not json")),
        row(
            "withSignedDecrypt_garbageBlob",
            4580,
            10680,
            "InvalidParameterValue.InvalidCiphertext",
            null,
            () ->
                signed(
                    "Decrypt", "ciphertextBlob", Base64.getEncoder().encodeToString(new byte[80]))),
        row(
            "withSignedGenerateDataKey_badKeySpec",
            4520,
            10620,
            "InvalidParameterValue",
            null,
            () -> signed("GenerateDataKey", "keyId", keyId, "keySpec", "AES_512")),
        row(
            "withSignedGenerateDataKey_tooManyBytes",
            4000,
            10350,
            BAD_VALUE,
            "numberOfBytes",
            () -> signed("GenerateDataKey", "keyId", keyId, "numberOfBytes", "1025")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void request_isAnsweredWithItsV2Code_andServerKeepsServing(Case c) {
    RawHttp.Response r = c.request().get();
    assertThat(r.status()).as("%s: HTTP status; body %s", c.name(), r.text()).isEqualTo(200);
    assertThat(r.headers().get("content-type")).startsWith("application/json");
    JsonObject body = new JsonObject(r.text());
    assertThat(body.getString("requestId")).isNotBlank();
    assertThat(body.getInteger("code")).as("%s: %s", c.name(), body.encode()).isEqualTo(c.code());
    if (c.code() == 0) {
      assertThat(body.getString("message")).isEmpty();
    } else {
      assertThat(body.getString("message")).as(body.encode()).startsWith("(" + c.module() + ") ");
    }
    if (c.codeDesc() != null) {
      assertThat(body.getString("codeDesc")).as(body.encode()).isEqualTo(c.codeDesc());
    }
    if (c.messagePart() != null) {
      assertThat(body.getString("message")).contains(c.messagePart());
    }
    // Messages never echo hostile input back at length or with control characters.
    assertThat(body.getString("message")).hasSizeLessThan(300).doesNotContain("\n", "\r");
    assertServerStillServes();
  }

  @Test
  void request_withShortBodyThenClose_doesNotHang_andServerKeepsServing() throws IOException {
    long start = System.nanoTime();
    try (Socket s = new Socket("127.0.0.1", port())) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /v2/index.php HTTP/1.1\r\nHost: "
                  + host()
                  + "\r\nContent-Type: application/x-www-form-urlencoded"
                  + "\r\nContent-Length: 10\r\n\r\nabc")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      s.shutdownOutput();
      // The body can never complete: the server must close (or answer) rather than wait forever.
      byte[] answer = readUntilClosed(s.getInputStream());
      assertThat(
              answer.length == 0
                  || new String(answer, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 "))
          .as(
              "either no answer or a well-formed HTTP answer: %s",
              new String(answer, StandardCharsets.ISO_8859_1))
          .isTrue();
    }
    assertThat((System.nanoTime() - start) / 1_000_000)
        .as("milliseconds until the server let go")
        .isLessThan(5_000);
    assertServerStillServes();
  }

  @Test
  void request_withTruncatedHeadersThenClose_doesNotHang_andServerKeepsServing()
      throws IOException {
    try (Socket s = new Socket("127.0.0.1", port())) {
      s.setSoTimeout(5_000);
      s.getOutputStream()
          .write(
              ("POST /v2/index.php HTTP/1.1\r\nHost: " + host() + "\r\nContent-Le")
                  .getBytes(StandardCharsets.US_ASCII));
      s.shutdownOutput();
      readUntilClosed(s.getInputStream());
    }
    assertServerStillServes();
  }

  @Test
  void request_withQueryStringOf80KB_isRefusedCleanly_andServerKeepsServing() {
    String query = "Action=ListKey&pad=" + "a".repeat(80 * 1024);
    RawHttp.Response r =
        RawHttp.send(port(), "GET /v2/index.php?" + query + " HTTP/1.1\r\nHost: " + host(), null);
    // Longer than the HTTP codec accepts (64 KiB + 8 KiB): still the v2 envelope, HTTP 200.
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonObject body = new JsonObject(r.text());
    assertThat(body.getInteger("code")).isEqualTo(4000);
    assertThat(body.getString("message")).startsWith("(10420) ");
    assertThat(body.getString("codeDesc")).isEqualTo("RequestSizeLimitExceeded");
    assertServerStillServes();
  }

  @Test
  void request_withRequestLineBeyondTheCodecLimit_getsAnErrorInBothEnvelopes() {
    String query = "Action=ListKey&pad=" + "a".repeat(300 * 1024);
    RawHttp.Response r =
        RawHttp.send(port(), "GET /v2/index.php?" + query + " HTTP/1.1\r\nHost: " + host(), null);
    assertThat(r.status()).isEqualTo(200);
    JsonObject body = new JsonObject(r.text());
    // The codec could not read the path, so the answer is an error to v2 and v3 clients alike.
    assertThat(body.getInteger("code")).isEqualTo(4000);
    assertThat(body.getString("message")).startsWith("(10420) ");
    assertThat(body.getJsonObject("Response").getJsonObject("Error").getString("Code"))
        .isEqualTo("RequestSizeLimitExceeded");
    assertServerStillServes();
  }

  @Test
  void request_withControlCharacterInHost_isRefusedCleanly_andServerKeepsServing() {
    RawHttp.Response r = client.request("ListKey").host("a\u0001b").sendRaw();
    // The HTTP codec refuses the header; the answer is still the v2 envelope with HTTP 200.
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonObject body = new JsonObject(r.text());
    assertThat(body.getInteger("code")).isEqualTo(4000);
    assertThat(body.getString("message")).startsWith("(10420) ");
    assertServerStillServes();
  }

  // ---------------------------------------------------------------------------------------------

  static void assertServerStillServes() {
    JsonObject ok = client.call("ListKey", "limit", "1");
    assertThat(ok.getInteger("code"))
        .as("a valid signed ListKey after the bad request: %s", ok.encode())
        .isZero();
    assertThat(ok.getLong("totalCount")).isGreaterThanOrEqualTo(1);
  }

  static int port() {
    return server.port();
  }

  static String host() {
    return "127.0.0.1:" + port();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** A form-encoded POST of {@code body}, sent exactly as given. */
  static RawHttp.Response form(String body) {
    return post("application/x-www-form-urlencoded", ascii(body));
  }

  static RawHttp.Response post(String contentType, byte[] body) {
    return raw("POST", contentType, body);
  }

  static RawHttp.Response raw(String method, String contentType, byte[] body) {
    String head =
        method
            + " /v2/index.php HTTP/1.1\r\nHost: "
            + host()
            + (contentType == null ? "" : "\r\nContent-Type: " + contentType);
    return RawHttp.send(port(), head, body);
  }

  static RawHttp.Response get(String rawQuery) {
    return RawHttp.send(
        port(), "GET /v2/index.php?" + rawQuery + " HTTP/1.1\r\nHost: " + host(), null);
  }

  /** A correctly signed POST of {@code action} with extra (or overriding) parameters. */
  static RawHttp.Response signed(String action, String... nameValues) {
    V2Client.Req r = client.request(action);
    for (int i = 0; i < nameValues.length; i += 2) {
      r.param(nameValues[i], nameValues[i + 1]);
    }
    return r.sendRaw();
  }

  /** {@code n} distinct names without values: {@code p0&p1&...}. */
  static String manyParams(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : "&").append('p').append(i);
    }
    return sb.toString();
  }

  /** One multipart text part (opening delimiter included, closing delimiter not). */
  static String multipart(String boundary, String name, String value) {
    return "--"
        + boundary
        + "\r\nContent-Disposition: form-data; name=\""
        + name
        + "\"\r\n\r\n"
        + value
        + "\r\n";
  }

  static byte[] readUntilClosed(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        all.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError(
          "the server kept the connection open for 5 s after the client closed; got "
              + Arrays.toString(all.toByteArray()),
          e);
    }
    return all.toByteArray();
  }
}
