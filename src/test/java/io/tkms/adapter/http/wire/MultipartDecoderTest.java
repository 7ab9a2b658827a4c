package io.tkms.adapter.http.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MultipartDecoderTest {
  private static final String CT = "multipart/form-data; boundary=boundary";

  private static List<Param> decode(String body, String contentType) {
    return MultipartDecoder.decode(body.getBytes(StandardCharsets.UTF_8), contentType, 256);
  }

  private static void assertUnparsable(Runnable r, String messagePart) {
    assertThatThrownBy(r::run)
        .isInstanceOf(KmsException.class)
        .satisfies(
            e -> assertThat(((KmsException) e).code()).isEqualTo(ErrorCode.REQUEST_UNPARSABLE))
        .hasMessageContaining(messagePart);
  }

  @Test
  void decode_minimalBody_yieldsTheField() {
    String body =
        "--boundary\r\nContent-Disposition: form-data; name=\"Action\"\r\n\r\nEncrypt\r\n--boundary--\r\n";
    assertThat(decode(body, CT)).containsExactly(new Param("Action", "Encrypt"));
  }

  @Test
  void decode_qcloudJavaSdkBody_yieldsAllFieldsRaw() {
    // Exactly how com.qcloud's Request.sendRequest writes it: CRLF before every delimiter, the
    // value written raw (not URL-encoded), and "\r\n--B--\r\n" at the end.
    String b = "---------------------------3a5f0c2d9e8b7a6";
    String body =
        "\r\n--"
            + b
            + "\r\nContent-Disposition: form-data; name=\"Action\"\r\n\r\nEncrypt"
            + "\r\n--"
            + b
            + "\r\nContent-Disposition: form-data; name=\"plaintext\"\r\n\r\naGk+/w=="
            + "\r\n--"
            + b
            + "\r\nContent-Disposition: form-data; name=\"encryptionContext\"\r\n\r\n{\"k\":\"你好\"}"
            + "\r\n--"
            + b
            + "--\r\n";
    assertThat(decode(body, "multipart/form-data; boundary=" + b))
        .containsExactly(
            new Param("Action", "Encrypt"),
            new Param("plaintext", "aGk+/w=="),
            new Param("encryptionContext", "{\"k\":\"你好\"}"));
  }

  @Test
  void decode_apacheHttpClientStrictBody_acceptsTextPartHeaders() {
    String body =
        "--xYzZY\r\n"
            + "Content-Disposition: form-data; name=\"Action\"\r\n"
            + "Content-Type: text/plain; charset=ISO-8859-1\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + "Encrypt\r\n"
            + "--xYzZY\r\n"
            + "content-disposition: FORM-DATA; name=keyId\r\n"
            + "\r\n"
            + "\r\n"
            + "--xYzZY--\r\n";
    assertThat(decode(body, "Multipart/Form-Data; charset=UTF-8; BOUNDARY=\"xYzZY\""))
        .containsExactly(new Param("Action", "Encrypt"), new Param("keyId", ""));
  }

  @Test
  void decode_preambleEpilogueAndPadding_areIgnored() {
    String body =
        "this is a preamble\r\n--boundary  \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
            + "line1\r\nline2\r\n--boundary--  epilogue\r\n--boundary\r\nignored";
    assertThat(decode(body, CT)).containsExactly(new Param("a", "line1\r\nline2"));
  }

  @Test
  void decode_quotedNameWithEscapesAndSemicolon_isUnquoted() {
    String body =
        "--boundary\r\nContent-Disposition: form-data; name=\"a\\\"b;c\"\r\n\r\nv\r\n--boundary--";
    assertThat(decode(body, CT)).containsExactly(new Param("a\"b;c", "v"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"\"",
        "multipart/form-data; charset=utf-8",
        "multipart/form-data; boundary=a; boundary=b"
      })
  void decode_withMissingBoundary_failsWithUnparsable(String contentType) {
    assertUnparsable(() -> decode("--a\r\n", contentType), "boundary");
  }

  @Test
  void decode_withOverlongBoundary_failsWithUnparsable() {
    assertUnparsable(
        () -> decode("", "multipart/form-data; boundary=" + "b".repeat(71)), "boundary");
  }

  @Test
  void decode_withWrongMediaType_failsWithUnparsable() {
    assertUnparsable(() -> decode("", "multipart/mixed; boundary=b"), "multipart/form-data");
    assertUnparsable(() -> decode("", null), "content type");
  }

  @Test
  void decode_withoutAnyDelimiter_failsWithUnparsable() {
    assertUnparsable(() -> decode("Action=Encrypt", CT), "no boundary delimiter");
  }

  @Test
  void decode_withoutClosingDelimiter_failsWithUnparsable() {
    String body = "--boundary\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue";
    assertUnparsable(() -> decode(body, CT), "closing delimiter");
    String truncatedHeaders = "--boundary\r\nContent-Disposition: form-data; name=\"a\"";
    assertUnparsable(() -> decode(truncatedHeaders, CT), "not terminated");
  }

  @Test
  void decode_withoutName_failsWithUnparsable() {
    assertUnparsable(
        () -> decode("--boundary\r\nContent-Disposition: form-data\r\n\r\nv\r\n--boundary--", CT),
        "no form-data name");
    assertUnparsable(
        () ->
            decode(
                "--boundary\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nv\r\n--boundary--",
                CT),
        "no form-data name");
    assertUnparsable(
        () -> decode("--boundary\r\nContent-Type: text/plain\r\n\r\nv\r\n--boundary--", CT),
        "no form-data name");
  }

  @Test
  void decode_withFilePart_failsWithUnparsable() {
    String body =
        "--boundary\r\nContent-Disposition: form-data; name=\"entityFile\"; filename=\"a.txt\"\r\n"
            + "Content-Type:text/plain\r\n\r\ndata\r\n--boundary--\r\n";
    assertUnparsable(() -> decode(body, CT), "file parts");
  }

  @Test
  void decode_withNonTextPart_failsWithUnparsable() {
    String body =
        "--boundary\r\nContent-Disposition: form-data; name=\"a\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\ndata\r\n--boundary--\r\n";
    assertUnparsable(() -> decode(body, CT), "only text fields");
  }

  @Test
  void decode_withBase64TransferEncoding_failsWithUnparsable() {
    String body =
        "--boundary\r\nContent-Disposition: form-data; name=\"a\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\nYQ==\r\n--boundary--\r\n";
    assertUnparsable(() -> decode(body, CT), "transfer encoding");
  }

  @Test
  void decode_withInvalidUtf8Value_failsWithUnparsable() {
    byte[] head =
        "--boundary\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    byte[] tail = "\r\n--boundary--\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] body = new byte[head.length + 2 + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    body[head.length] = (byte) 0xC0; // overlong encoding of '/'
    body[head.length + 1] = (byte) 0xAF;
    System.arraycopy(tail, 0, body, head.length + 2, tail.length);
    assertUnparsable(() -> MultipartDecoder.decode(body, CT, 10), "UTF-8");
  }

  @Test
  void decode_withTooManyParts_failsWithUnparsable() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      sb.append("--boundary\r\nContent-Disposition: form-data; name=\"p")
          .append(i)
          .append("\"\r\n\r\nv\r\n");
    }
    sb.append("--boundary--\r\n");
    byte[] body = sb.toString().getBytes(StandardCharsets.US_ASCII);
    assertThat(MultipartDecoder.decode(body, CT, 4)).hasSize(4);
    assertUnparsable(() -> MultipartDecoder.decode(body, CT, 3), "too many parameters");
  }

  @Test
  void decode_withBoundaryInsideContent_failsWithUnparsable() {
    String body =
        "--boundary\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--boundaryX\r\n--boundary--";
    assertUnparsable(() -> decode(body, CT), "delimiter");
  }

  @Test
  void decode_withMalformedHeaders_failsWithUnparsable() {
    assertUnparsable(
        () -> decode("--boundary\r\nno colon here\r\n\r\nv\r\n--boundary--", CT), "header");
    assertUnparsable(
        () ->
            decode(
                "--boundary\r\nContent-Disposition: form-data; name=\"a\"\r\n x=y\r\n\r\nv\r\n--boundary--",
                CT),
        "folded");
    assertUnparsable(
        () ->
            decode(
                "--boundary\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--boundary--",
                CT),
        "malformed header parameters");
    assertUnparsable(
        () ->
            decode(
                "--boundary\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--boundary--",
                CT),
        "not form-data");
  }

  @Test
  void decode_onlyCloseDelimiter_yieldsNothing() {
    assertThat(decode("--boundary--\r\n", CT)).isEmpty();
  }
}
