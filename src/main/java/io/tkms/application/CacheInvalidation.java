package io.tkms.application;

import io.tkms.application.port.ChangeBus;
import io.tkms.domain.KeyId;
import io.tkms.error.KmsException;

/** Applies announced changes to this process's caches. */
public final class CacheInvalidation {
  private CacheInvalidation() {}

  /** Subscribes the caches to {@code bus}. */
  public static void wire(ChangeBus bus, KeyMaterialCache keys, CredentialCache credentials) {
    bus.subscribe(
        change -> {
          switch (change.kind()) {
            case KEY -> {
              try {
                keys.invalidate(KeyId.parse(change.id()));
              } catch (KmsException e) {
                keys.invalidateAll();
              }
            }
            case CREDENTIAL -> credentials.invalidate(change.id());
            // Principals or limits of an account changed: credentials carry the principal type.
            case ACCOUNT -> credentials.invalidateAll();
            case LIMITS, ROOT_KEY -> {}
            case ALL -> {
              keys.invalidateAll();
              credentials.invalidateAll();
            }
          }
        });
  }
}
