package io.tkms.application.port;

/**
 * Limits failed authentications per source address, so that guessing costs the guesser, never the
 * account being guessed at. Synchronous and cheap: call on the event loop.
 */
public interface SourceLimiter {
  /** True when this source has used up its failure budget for now. */
  boolean isBlocked(String source);

  /** Spends one unit of this source's failure budget. */
  void recordFailure(String source);
}
