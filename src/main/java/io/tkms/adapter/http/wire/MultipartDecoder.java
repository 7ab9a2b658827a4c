package io.tkms.adapter.http.wire;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Minimal strict {@code multipart/form-data} (RFC 7578) decoder for text fields only.
 *
 * <p>Exists because the v2-era Java SDK ({@code com.qcloud:qcloud-java-sdk}) posts every parameter
 * as a multipart part. Each part needs {@code Content-Disposition: form-data; name="..."}; header
 * names are case-insensitive, lines end in CRLF, part bodies are strict UTF-8 whatever charset a
 * part declares (a non-UTF-8 value then fails instead of being mis-read). The preamble and epilogue
 * are ignored. An optional part {@code Content-Type} must be {@code text/plain}; an optional {@code
 * Content-Transfer-Encoding} must be an identity one (7bit, 8bit, binary).
 *
 * <p>Stateless and thread safe. Throws {@link ErrorCode#REQUEST_UNPARSABLE} for a missing or bad
 * boundary, a malformed or missing (closing) delimiter, a part without a name, a file part (any
 * {@code filename} parameter), invalid UTF-8, or more than {@code maxParams} parts.
 */
public final class MultipartDecoder {
  /** RFC 2046 §5.1.1: a boundary has 1 to 70 characters. */
  private static final int MAX_BOUNDARY = 70;

  private static final byte[] DASH_DASH = {'-', '-'};

  private MultipartDecoder() {}

  /** Decodes {@code body} using the boundary of {@code contentTypeHeader}; parts in body order. */
  public static List<Param> decode(byte[] body, String contentTypeHeader, int maxParams) {
    if (maxParams < 1) {
      throw new IllegalArgumentException("maxParams must be at least 1");
    }
    byte[] dashBoundary =
        ("--" + boundary(contentTypeHeader)).getBytes(StandardCharsets.ISO_8859_1);
    CharsetDecoder utf8 = FormDecoder.Utf8.newStrictDecoder();
    List<Param> out = new ArrayList<>();

    // The first delimiter may open the body or follow a CRLF that ends the preamble.
    int pos;
    if (startsWith(body, 0, dashBoundary)) {
      pos = dashBoundary.length;
    } else {
      int at = indexOfDelimiter(body, 0, dashBoundary);
      if (at < 0) {
        throw unparsable("multipart body has no boundary delimiter");
      }
      pos = at + 2 + dashBoundary.length;
    }
    while (true) {
      if (startsWith(body, pos, DASH_DASH)) {
        return out; // close delimiter; whatever follows is epilogue
      }
      pos = skipPaddingAndCrlf(body, pos);
      if (out.size() == maxParams) {
        throw unparsable("too many parameters");
      }
      int[] next = new int[1];
      String name = readHeaders(body, pos, utf8, next);
      int contentStart = next[0];
      int delim = indexOfDelimiter(body, contentStart, dashBoundary);
      if (delim < 0) {
        throw unparsable("multipart body has no closing delimiter");
      }
      out.add(
          new Param(name, FormDecoder.Utf8.decode(utf8, body, contentStart, delim - contentStart)));
      pos = delim + 2 + dashBoundary.length;
    }
  }

  /** Extracts the boundary parameter; the media type itself must be multipart/form-data. */
  static String boundary(String contentType) {
    if (contentType == null) {
      throw unparsable("missing content type");
    }
    List<String[]> params = new ArrayList<>();
    String type = HeaderValues.parse(contentType, params);
    if (!type.equalsIgnoreCase("multipart/form-data")) {
      throw unparsable("content type is not multipart/form-data");
    }
    String boundary = null;
    for (String[] p : params) {
      if (p[0].equalsIgnoreCase("boundary")) {
        if (boundary != null) {
          throw unparsable("multipart boundary is given more than once");
        }
        boundary = p[1];
      }
    }
    if (boundary == null || boundary.isEmpty() || boundary.length() > MAX_BOUNDARY) {
      throw unparsable("missing or invalid multipart boundary");
    }
    for (int i = 0; i < boundary.length(); i++) {
      char c = boundary.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        throw unparsable("missing or invalid multipart boundary");
      }
    }
    return boundary;
  }

  /**
   * Reads one part's header block starting at {@code pos}; returns the field name and stores the
   * offset of the first content byte in {@code contentStart[0]}.
   */
  private static String readHeaders(byte[] body, int pos, CharsetDecoder utf8, int[] contentStart) {
    String name = null;
    boolean sawDisposition = false;
    while (true) {
      int eol = indexOfCrlf(body, pos);
      if (eol < 0) {
        throw unparsable("multipart part headers are not terminated");
      }
      if (eol == pos) {
        break; // blank line: headers done
      }
      if (body[pos] == ' ' || body[pos] == '\t') {
        throw unparsable("folded multipart header lines are not supported");
      }
      String line = FormDecoder.Utf8.decode(utf8, body, pos, eol - pos);
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if ((c < 0x20 && c != '\t') || c == 0x7F) {
          throw unparsable("control character in multipart part header");
        }
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw unparsable("malformed multipart part header");
      }
      String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1);
      switch (header) {
        case "content-disposition" -> {
          if (sawDisposition) {
            throw unparsable("multipart part has more than one Content-Disposition");
          }
          sawDisposition = true;
          name = dispositionName(value);
        }
        case "content-type" -> {
          if (!HeaderValues.parse(value, new ArrayList<>()).equalsIgnoreCase("text/plain")) {
            throw unparsable("only text fields are accepted in multipart bodies");
          }
        }
        case "content-transfer-encoding" -> {
          String enc = value.trim().toLowerCase(Locale.ROOT);
          if (!enc.equals("7bit") && !enc.equals("8bit") && !enc.equals("binary")) {
            throw unparsable("unsupported multipart transfer encoding");
          }
        }
        default -> {
          // Other part headers carry nothing a text field needs.
        }
      }
      pos = eol + 2;
    }
    if (name == null) {
      throw unparsable("multipart part has no form-data name");
    }
    contentStart[0] = pos + 2;
    return name;
  }

  private static String dispositionName(String value) {
    List<String[]> params = new ArrayList<>();
    String type = HeaderValues.parse(value, params);
    if (!type.equalsIgnoreCase("form-data")) {
      throw unparsable("multipart part is not form-data");
    }
    String name = null;
    for (String[] p : params) {
      String key = p[0].toLowerCase(Locale.ROOT);
      if (key.startsWith("filename")) {
        // Covers filename and filename*: file uploads have no place in a KMS request.
        throw unparsable("file parts are not accepted");
      }
      if (key.equals("name")) {
        if (name != null) {
          throw unparsable("multipart part has more than one name");
        }
        name = p[1];
      }
    }
    if (name == null || name.isEmpty()) {
      throw unparsable("multipart part has no form-data name");
    }
    return name;
  }

  /** After a delimiter: optional transport padding (LWSP) then CRLF; returns the next offset. */
  private static int skipPaddingAndCrlf(byte[] body, int pos) {
    while (pos < body.length && (body[pos] == ' ' || body[pos] == '\t')) {
      pos++;
    }
    if (pos + 1 < body.length && body[pos] == '\r' && body[pos + 1] == '\n') {
      return pos + 2;
    }
    // Also reached when the boundary string shows up inside content: the sender broke RFC 2046.
    throw unparsable("malformed multipart delimiter line");
  }

  /** Offset of the next CRLF + dash-boundary at or after {@code from}, or -1. */
  private static int indexOfDelimiter(byte[] body, int from, byte[] dashBoundary) {
    int last = body.length - 2 - dashBoundary.length;
    for (int i = from; i <= last; i++) {
      if (body[i] == '\r' && body[i + 1] == '\n' && startsWith(body, i + 2, dashBoundary)) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOfCrlf(byte[] body, int from) {
    for (int i = from; i + 1 < body.length; i++) {
      if (body[i] == '\r' && body[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static boolean startsWith(byte[] body, int pos, byte[] prefix) {
    if (pos < 0 || pos > body.length - prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (body[pos + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static KmsException unparsable(String message) {
    return ErrorCode.REQUEST_UNPARSABLE.exception(message);
  }
}
