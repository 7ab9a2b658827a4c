package io.tkms.adapter.http;

import io.tkms.adapter.http.auth.V2Signature;
import io.tkms.application.Caller;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.Set;

/**
 * The legacy HmacSHA1/HmacSHA256 form signing, which both protocols accept: API 2.0 on {@code
 * /v2/index.php} and API 3.0 on {@code /} (with a {@code Version}). One chain for both: the common
 * parameters, the region, the token refusal, the credential, the signature over every parameter,
 * then the timestamp window, the collaborator refusal and the nonce. Call on the request's event
 * loop.
 */
public final class LegacySigning {
  /** The parameters of the legacy signing that are not action input. */
  public static final Set<String> COMMON =
      Set.of(
          "Action",
          "Version",
          "SecretId",
          "Signature",
          "SignatureMethod",
          "Timestamp",
          "Nonce",
          "Region",
          "Token",
          "Language",
          "RequestClient");

  private final Pipeline pipeline;

  public LegacySigning(Pipeline pipeline) {
    this.pipeline = pipeline;
  }

  /**
   * The caller of a request whose (decoded, duplicate-free) parameters are {@code params}.
   *
   * @param path the path the client signed
   * @param regionName the region the request names (null or "" for the default)
   * @return the caller, or a failure with MISSING_PARAMETER, INVALID_PARAMETER_VALUE,
   *     UNSUPPORTED_REGION, TOKEN_NOT_SUPPORTED, the credential and signature failures, or
   *     REPLAYED_NONCE
   */
  public Future<Caller> authenticate(
      Exchange ex,
      HttpServerRequest req,
      Map<String, String> params,
      String path,
      String regionName) {
    String secretId = required(ex.protocol, params, "SecretId");
    String signature = required(ex.protocol, params, "Signature");
    long timestamp = unsigned(ex.protocol, params, "Timestamp");
    String nonce = required(ex.protocol, params, "Nonce");
    unsigned(ex.protocol, params, "Nonce");
    String region = pipeline.region(regionName);
    Pipeline.refuseToken(params.get("Token"));
    String host = Pipeline.host(req);
    String method = req.method().name();
    return pipeline
        .credential(ex, secretId)
        .compose(
            cred -> {
              String sts = V2Signature.stringToSign(method, host, path, params);
              V2Signature.Algorithm alg = V2Signature.Algorithm.of(params.get("SignatureMethod"));
              if (!V2Signature.verify(alg, cred.secretKey().bytes(), sts, signature)) {
                return pipeline.authFailure(ex, ErrorCode.SIGNATURE_FAILURE);
              }
              return pipeline.admit(ex, cred, timestamp, nonce, region);
            });
  }

  /** A present, non-empty parameter, else MISSING_PARAMETER worded for {@code protocol}. */
  public static String required(Protocol protocol, Map<String, String> params, String name) {
    String v = params.get(name);
    if (v == null || v.isEmpty()) {
      throw protocol.missing(name);
    }
    return v;
  }

  /**
   * A non-negative integer of at most 19 digits (the Python SDKs draw nonces up to 2^63 - 1); one
   * that does not fit a long is out of range.
   */
  private static long unsigned(Protocol protocol, Map<String, String> params, String name) {
    String v = required(protocol, params, name);
    if (!digits(v, 19)) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception(
          "parameter " + name + " must be a non-negative integer");
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter " + name + " is out of range");
    }
  }

  /**
   * Whether {@code s} is 1 to {@code max} ASCII digits (a regex here cost a Pattern per request).
   */
  public static boolean digits(String s, int max) {
    if (s.isEmpty() || s.length() > max) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
