package io.tkms.application.port;

import io.tkms.domain.KeyOrigin;
import io.tkms.domain.KeyState;
import io.tkms.domain.KeyUsage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which of an account's keys in one region to list: a page ({@code offset}, {@code limit}) in
 * creation order (oldest first when {@code ascending}), narrowed by the filters that are present:
 * one {@code state} (none: every state but Purged), one {@code usage} (none: every usage), one
 * {@code origin} (none: both), a {@code search} text matched case-insensitively as a substring of
 * the key id or alias, and tag filters that must all match. Start from {@link #page} and name what
 * you set:
 *
 * <pre>{@code KeyQuery.page(0, 20).withState(KeyState.ENABLED).withSearch("orders")}</pre>
 */
public record KeyQuery(
    int offset,
    int limit,
    boolean ascending,
    Optional<KeyState> state,
    Optional<String> search,
    List<KeyRepository.TagFilter> tagFilters,
    Optional<KeyUsage> usage,
    Optional<KeyOrigin> origin) {
  public KeyQuery {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(origin, "origin");
    // An empty search text matches every key: the same as no search.
    search = Objects.requireNonNull(search, "search").filter(s -> !s.isEmpty());
    tagFilters = List.copyOf(tagFilters);
  }

  /**
   * Keys {@code offset} to {@code offset + limit - 1}, oldest first, every live state, no filter.
   */
  public static KeyQuery page(int offset, int limit) {
    return new KeyQuery(
        offset,
        limit,
        true,
        Optional.empty(),
        Optional.empty(),
        List.of(),
        Optional.empty(),
        Optional.empty());
  }

  /** Oldest first when {@code ascending}, else newest first. */
  public KeyQuery withAscending(boolean ascending) {
    return new KeyQuery(offset, limit, ascending, state, search, tagFilters, usage, origin);
  }

  /** Only keys in {@code state}. */
  public KeyQuery withState(KeyState state) {
    return new KeyQuery(
        offset, limit, ascending, Optional.of(state), search, tagFilters, usage, origin);
  }

  /** Only keys whose id or alias contains {@code text}, ignoring case ("" matches every key). */
  public KeyQuery withSearch(String text) {
    return new KeyQuery(
        offset, limit, ascending, state, Optional.of(text), tagFilters, usage, origin);
  }

  /** Only keys of {@code keyUsage}. */
  public KeyQuery withUsage(KeyUsage keyUsage) {
    return new KeyQuery(
        offset, limit, ascending, state, search, tagFilters, Optional.of(keyUsage), origin);
  }

  /** Only keys whose material comes from {@code keyOrigin}. */
  public KeyQuery withOrigin(KeyOrigin keyOrigin) {
    return new KeyQuery(
        offset, limit, ascending, state, search, tagFilters, usage, Optional.of(keyOrigin));
  }

  /** Only keys that match every one of {@code filters}. */
  public KeyQuery withTagFilters(List<KeyRepository.TagFilter> filters) {
    return new KeyQuery(offset, limit, ascending, state, search, filters, usage, origin);
  }
}
