package io.tkms.adapter.http.wire;

import io.tkms.error.ErrorCode;
import java.util.List;
import java.util.Locale;

/**
 * The parameters of a form-encoded or multipart body, chosen by its content type: the body of every
 * legacy-signed request of both protocols. Stateless and thread safe.
 */
public final class FormBody {
  private FormBody() {}

  /**
   * The body's parameters, in order (repeated names are kept: {@link Params} refuses them).
   *
   * @param contentType the request's Content-Type header, or null
   * @throws io.tkms.error.KmsException REQUEST_UNPARSABLE for another content type or a malformed
   *     body
   */
  public static List<Param> decode(String contentType, byte[] body, FormDecoder forms) {
    String lower = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (lower.isEmpty() || lower.startsWith("application/x-www-form-urlencoded")) {
      return forms.decode(body);
    }
    if (lower.startsWith("multipart/form-data")) {
      return MultipartDecoder.decode(body, contentType, forms.maxParams());
    }
    throw ErrorCode.REQUEST_UNPARSABLE.exception(
        "unsupported content type; use application/x-www-form-urlencoded or multipart/form-data");
  }
}
