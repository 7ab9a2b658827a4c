package io.tkms.adapter.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the HTTP edge needs to know from the configuration.
 *
 * @param regions served regions (canonical names)
 * @param regionAliases v2 short names to canonical names
 * @param timestampWindowSeconds allowed skew of a request's timestamp, either way
 * @param maxBodyBytes largest request body accepted
 * @param allowUnsignedPayload whether a TC3 request may send {@code UNSIGNED-PAYLOAD}
 * @param auditBlockMillis 0: an answer never waits for the audit queue; else how long it may
 * @param requestTimeoutMillis the deadline of every API request
 */
public record HttpSettings(
    List<String> regions,
    Map<String, String> regionAliases,
    String defaultRegion,
    int timestampWindowSeconds,
    int maxBodyBytes,
    boolean allowUnsignedPayload,
    int auditBlockMillis,
    int requestTimeoutMillis) {

  /** The canonical region for a name or alias, if it is served. */
  public Optional<String> region(String name) {
    String canonical = regionAliases.getOrDefault(name, name);
    return regions.contains(canonical) ? Optional.of(canonical) : Optional.empty();
  }
}
