package io.tkms.application.port;

import io.vertx.core.Future;

/**
 * Per-account QPS throttling. A rejection is a value ({@code false}), not a failure. Completes on
 * the caller's context; never blocks.
 */
public interface RateLimiter {
  /** Action groups with separate budgets. */
  enum Group {
    /** Encrypt, Decrypt, GenerateDataKey, ReEncrypt, GenerateRandom. */
    CRYPTO,
    /** Every action no other group names. */
    MANAGEMENT,
    /** SignByAsymmetricKey. */
    SIGN,
    /** VerifyByAsymmetricKey. */
    VERIFY,
    /** AsymmetricRsaDecrypt and AsymmetricSm2Decrypt, one budget. */
    ASYMMETRIC_DECRYPT,
    /** GetPublicKey. */
    PUBLIC_KEY
  }

  /**
   * Takes one token from the account's bucket for {@code scope} (an action group's name, or {@code
   * action:<Name>} for a per-action limit), whose capacity is one second's worth of {@code qps}. A
   * bucket is identified by (appId, scope, qps): changing an account's limit starts a fresh bucket.
   */
  Future<Boolean> tryAcquire(String appId, String scope, long qps);
}
