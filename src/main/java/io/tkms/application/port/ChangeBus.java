package io.tkms.application.port;

import java.util.function.Consumer;

/**
 * Tells every replica that something which decides whether a request is allowed has changed (a
 * key's state, alias or versions; a credential; an account's principals or limits), so their caches
 * drop it at once instead of waiting for a TTL. Delivery is best effort and fast; the caches'
 * bounded TTLs remain the safety net. Non-blocking.
 */
public interface ChangeBus {
  /** What changed. */
  enum Kind {
    KEY,
    CREDENTIAL,
    ACCOUNT,
    /** An account's limit overrides. */
    LIMITS,
    /** A root-key version was created or destroyed (caches are unaffected: material is not). */
    ROOT_KEY,
    /** Everything may have changed (for example after a lost subscription): drop all caches. */
    ALL
  }

  record Change(Kind kind, String id) {}

  /** Announces a committed change to all replicas (this one included). */
  void publish(Change change);

  /** Receives every change, on an event loop; called once at wiring time. */
  void subscribe(Consumer<Change> listener);
}
