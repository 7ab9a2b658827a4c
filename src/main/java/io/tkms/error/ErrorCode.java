package io.tkms.error;

/**
 * Every client-visible failure, with its wire codes for both protocols.
 *
 * <p>API 2.0 answers {@code code} = {@link #v2Code()} and a message starting with {@code (module)};
 * API 3.0 answers {@link #v3Code()}. The {@link #message()} is safe to show a client: it never
 * carries internal detail. Protocol codecs are the only place that read the wire codes.
 */
public enum ErrorCode {
  MISSING_PARAMETER(4000, 10010, "MissingParameter", "lacked of required parameters"),
  INVALID_PARAMETER_VALUE(
      4000, 10350, "InvalidParameterValue", "parameter value or length is out of range"),
  PLAINTEXT_TOO_LONG(
      4000, 10350, "InvalidParameterValue.InvalidPlaintext", "plaintext is longer than 4096 bytes"),
  PLAINTEXT_NOT_BASE64(
      4590,
      10690,
      "InvalidParameterValue.InvalidPlaintext",
      "plaintext is not encoded with base64"),
  PARAMETER_NOT_REPEATABLE(
      4000, 10330, "InvalidParameter", "parameter is NOT a repeatable parameter"),
  PARAMETER_BATCH_TOO_LARGE(
      4000, 10370, "InvalidParameter", "batch size of parameter is too large"),
  PARAMETER_INDEX_NOT_CONSEQUENT(
      4000, 10380, "InvalidParameter", "index of parameter is not consequent"),
  DUPLICATE_PARAMETER(4000, 10350, "InvalidParameter", "parameter is given more than once"),
  UNKNOWN_PARAMETER(4000, 10320, "UnknownParameter", "no such parameter"),
  INVALID_ACTION(4000, 10280, "InvalidAction", "action is not existed"),
  UNSUPPORTED_METHOD(
      4000, 10410, "UnsupportedProtocol", "unexpected http method, only GET or POST is supported"),
  REQUEST_TOO_LARGE(
      4000, 10420, "RequestSizeLimitExceeded", "cannot parse, request size is more than the limit"),
  REQUEST_UNPARSABLE(4000, 10420, "InvalidParameter", "cannot parse the request"),
  UNSUPPORTED_REGION(4000, 10350, "UnsupportedRegion", "region is not supported"),
  SIGNATURE_FAILURE(4100, 10030, "AuthFailure.SignatureFailure", "authentication failed"),
  SIGNATURE_EXPIRED(
      4100,
      10030,
      "AuthFailure.SignatureExpire",
      "authentication failed, timestamp is out of the allowed window"),
  INVALID_AUTHORIZATION(
      4100,
      10030,
      "AuthFailure.InvalidAuthorization",
      "authentication failed, the Authorization header is malformed"),
  REPLAYED_NONCE(
      4100, 10030, "AuthFailure.SignatureFailure", "authentication failed, nonce was already used"),
  TOKEN_NOT_SUPPORTED(
      4100,
      10030,
      "AuthFailure.TokenFailure",
      "authentication failed, temporary credentials are not supported"),
  SECRET_ID_NOT_FOUND(4100, 10270, "AuthFailure.SecretIdNotFound", "secret id is not existed"),
  SECRET_ID_DISABLED(4100, 10080, "AuthFailure.SecretIdNotFound", "secret id status error"),
  COLLABORATOR_REFUSED(
      4000,
      10440,
      "AuthFailure.UnauthorizedOperation",
      "account illegal, it may be an assistant account"),
  INVALID_KEY_ID(4530, 10630, "InvalidParameterValue.InvalidKeyId", "key is not existed"),
  KEY_NOT_FOUND(4530, 10630, "ResourceUnavailable.CmkNotFound", "key is not existed"),
  KEY_DISABLED(4550, 10650, "ResourceUnavailable.CmkDisabled", "key is disabled"),
  KEY_PENDING_DELETE(
      4550, 10650, "ResourceUnavailable.KeyPendingDelete", "key is pending deletion"),
  KEY_ARCHIVED(4550, 10650, "ResourceUnavailable.CmkArchived", "key is archived"),
  KEY_STATE_NOT_SUPPORTED(
      4550,
      10650,
      "ResourceUnavailable.CmkStateNotSupport",
      "the key's state does not allow this operation"),
  KEY_SHOULD_BE_DISABLED(
      4550, 10650, "ResourceUnavailable.CmkShouldBeDisabled", "the key must be disabled first"),
  KEY_NOT_PENDING_DELETE(
      4550, 10650, "ResourceUnavailable.CmkNotPendingDelete", "the key is not pending deletion"),
  INVALID_PENDING_WINDOW(
      4000,
      10350,
      "InvalidParameter.InvalidPendingWindowInDays",
      "PendingWindowInDays must be between 7 and 30"),
  INVALID_CIPHERTEXT(
      4580, 10680, "InvalidParameterValue.InvalidCiphertext", "invalid ciphertextBlob"),
  INVALID_ENCRYPTION_CONTEXT(4540, 10640, "InvalidParameterValue", "illegal encryptionContext"),
  ALIAS_EXISTS(
      4500,
      10480,
      "InvalidParameterValue.AliasAlreadyExists",
      "alias is already existed in your account, please input another unique one"),
  INVALID_ALIAS(4000, 10350, "InvalidParameterValue.InvalidAlias", "alias is invalid"),
  INVALID_KEY_USAGE(
      4490,
      10470,
      "InvalidParameterValue.InvalidKeyUsage",
      "string of KeyUsage must be ENCRYPT/DECRYPT"),
  /**
   * The key's usage does not allow the operation: a symmetric key to sign, an asymmetric key to
   * Encrypt, a signing key to decrypt.
   */
  KEY_USAGE_MISMATCH(
      4490,
      10470,
      "InvalidParameterValue.InvalidKeyUsage",
      "the key's usage does not allow this operation"),
  /**
   * A parameter that is well formed but not acceptable here: an algorithm the key may not use, a
   * DIGEST of the wrong length, a public key that cannot be read, a plaintext too long for it.
   */
  INVALID_PARAMETER(4000, 10110, "InvalidParameter", "request parameters error"),
  /**
   * An asymmetric decryption failed. One code and one message for every cause (padding, length,
   * format, integrity), so the answer reveals nothing about the ciphertext.
   */
  DECRYPT_FAILED(4000, 10000, "FailedOperation.DecryptError", "decryption failed"),
  CMK_LIMIT_EXCEEDED(
      4510,
      10610,
      "LimitExceeded.CmkLimitExceeded",
      "number of CMK in your account has reached the limit"),
  INVALID_KEY_SPEC(4520, 10620, "InvalidParameterValue", "keySpec value error"),
  CRYPTO_THROTTLED(4420, 10250, "RequestLimitExceeded", "qps throttling"),
  /** The crypto worker pool's queue is full: refused at once rather than queued without bound. */
  SERVER_BUSY(4420, 10250, "RequestLimitExceeded", "server busy"),
  MANAGEMENT_THROTTLED(
      4480, 10460, "RequestLimitExceeded", "exceed interface frequency limit, please slow down"),
  SOURCE_THROTTLED(
      4420,
      10250,
      "RequestLimitExceeded.IPLimitExceeded",
      "too many failed authentications from this address, please slow down"),
  NO_SUCH_VERSION(4000, 10000, "NoSuchVersion", "the API version is not supported, use 2019-01-18"),
  UNSUPPORTED_OPERATION(
      4000, 10000, "UnsupportedOperation", "this operation is not supported by this server"),
  TAG_KEYS_DUPLICATED(
      4000,
      10350,
      "InvalidParameterValue.TagKeysDuplicated",
      "the same TagKey is given more than once"),
  INVALID_TAG(
      4000,
      10350,
      "InvalidParameterValue",
      "tags need a TagKey of 1 to 128 and a TagValue of at most 256 characters"),
  DUPLICATED_KEY_ID(
      4000,
      10350,
      "InvalidParameterValue.DuplicatedKeyId",
      "the same KeyId is given more than once"),
  /** RotateKey within 24 hours of the key's last manual rotation (API 3.0 only). */
  ROTATE_RATE_LIMITED(
      4000,
      10000,
      "RequestLimitExceeded.RotateRateLimited",
      "the key was rotated on demand less than 24 hours ago"),
  /** RotateKey on a key that cannot rotate: asymmetric, or of imported material (API 3.0 only). */
  ROTATE_NOT_SUPPORTED(
      4000,
      10000,
      "UnsupportedOperation.RotateNotSupported",
      "only symmetric keys with material made by this server can be rotated"),
  /** RotateKey while another request holds the key: a rotation or another change (API 3.0 only). */
  ROTATE_TASK_RUNNING(
      4000,
      10000,
      "FailedOperation.RotateTaskRunning",
      "the key is being rotated or changed by another request, retry"),
  /** CreateKey with Type 2 (imported material) and an asymmetric KeyUsage (API 3.0 only). */
  INVALID_KEY_TYPE(
      4000,
      10000,
      "InvalidParameterValue.InvalidType",
      "only ENCRYPT_DECRYPT keys can have imported material (Type 2)"),
  /** An import action on a key whose material is made here (API 3.0 only). */
  NOT_EXTERNAL_CMK(
      4000,
      10000,
      "UnsupportedOperation.NotExternalCmk",
      "the key's material is not imported (Origin is not EXTERNAL)"),
  /** EnableKeyRotation of a key of imported material (API 3.0 only). */
  EXTERNAL_CMK_CAN_NOT_ROTATE(
      4000,
      10000,
      "UnsupportedOperation.ExternalCmkCanNotRotate",
      "keys of imported material cannot rotate"),
  /** ImportKeyMaterial with the key's current ImportToken after its 24 hours (API 3.0 only). */
  IMPORT_TOKEN_EXPIRED(
      4000,
      10000,
      "ResourceUnavailable.TokenExpired",
      "the ImportToken has expired, call GetParametersForImport again"),
  /**
   * EncryptedKeyMaterial does not decrypt to acceptable material. With RSAES_PKCS1_V1_5 every cause
   * (padding, length, other material than the key's) is this one code and message (API 3.0 only).
   */
  DECRYPT_MATERIAL_ERROR(
      4000,
      10000,
      "InvalidParameter.DecryptMaterialError",
      "EncryptedKeyMaterial could not be decrypted into key material"),
  /** Another material than the key's first one (OAEP wrapping only, API 3.0 only). */
  MATERIAL_NOT_MATCH(
      4000,
      10000,
      "InvalidParameterValue.MaterialNotMatch",
      "the key material differs from the material first imported into this key"),
  /** Too many ImportKeyMaterial attempts on one key (API 3.0 only). */
  IMPORT_THROTTLED(
      4000,
      10000,
      "RequestLimitExceeded",
      "too many ImportKeyMaterial attempts on this key, retry in a minute"),
  CONFLICT(4000, 10000, "ResourceInUse", "resource already exists"),
  NOT_FOUND(4000, 10000, "ResourceNotFound", "resource not found"),
  INTERNAL_ERROR(6000, 10050, "InternalError", "server internal error");

  private final int v2Code;
  private final int v2Module;
  private final String v3Code;
  private final String message;

  ErrorCode(int v2Code, int v2Module, String v3Code, String message) {
    this.v2Code = v2Code;
    this.v2Module = v2Module;
    this.v3Code = v3Code;
    this.message = message;
  }

  /** The API 2.0 {@code code} field. */
  public int v2Code() {
    return v2Code;
  }

  /** The API 2.0 module code shown in parentheses at the start of {@code message}. */
  public int v2Module() {
    return v2Module;
  }

  /** The API 3.0 {@code Error.Code}. */
  public String v3Code() {
    return v3Code;
  }

  /** A message safe to show any client. */
  public String message() {
    return message;
  }

  /** A stackless exception with this code and the default message. */
  public KmsException exception() {
    return new KmsException(this, message);
  }

  /** A stackless exception with this code and a more specific, client-safe message. */
  public KmsException exception(String detail) {
    return new KmsException(this, detail);
  }
}
