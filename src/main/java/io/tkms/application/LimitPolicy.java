package io.tkms.application;

import com.github.benmanes.caffeine.cache.Cache;
import io.tkms.application.port.AccountRepository;
import io.tkms.application.port.ChangeBus;
import io.tkms.application.port.RateLimiter;
import io.tkms.application.port.RateLimiter.Group;
import io.tkms.domain.LimitOverrides;
import io.tkms.domain.Limits;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Decides a request's QPS buckets: the account's effective limits (configured defaults, then the
 * account's overrides from the database) for the action's group and, when set, for the action
 * itself; a request must pass every bucket that applies. Overrides are cached and dropped when a
 * change is announced on the {@link ChangeBus}; the TTL is only the safety net. Call on an event
 * loop.
 */
public final class LimitPolicy {
  /**
   * The groups {@link LimitOverrides#groups} may name: every {@link Group} but crypto and
   * management, which have fields of their own.
   */
  public static final List<String> OVERRIDABLE_GROUPS =
      Arrays.stream(Group.values())
          .filter(g -> g != Group.CRYPTO && g != Group.MANAGEMENT)
          .map(Group::name)
          .toList();

  private final Limits defaults;
  private final AccountRepository repository;
  private final RateLimiter limiter;
  private final ChangeBus bus;
  private final Cache<String, LimitOverrides> overrides;

  public LimitPolicy(
      Limits defaults,
      AccountRepository repository,
      RateLimiter limiter,
      ChangeBus bus,
      Duration ttl) {
    this.defaults = defaults;
    this.repository = repository;
    this.limiter = limiter;
    this.bus = bus;
    this.overrides = Caches.onCallingThread().maximumSize(1_000_000).expireAfterWrite(ttl).build();
    bus.subscribe(
        change -> {
          switch (change.kind()) {
            case LIMITS -> overrides.invalidate(change.id());
            case ALL -> overrides.invalidateAll();
            default -> {}
          }
        });
  }

  /** The account's effective limits. */
  public Future<Limits> effective(String appId) {
    LimitOverrides cached = overrides.getIfPresent(appId);
    if (cached != null) {
      return Future.succeededFuture(defaults.overriddenBy(cached));
    }
    return repository
        .findLimits(appId)
        .map(
            o -> {
              LimitOverrides override = o.orElse(LimitOverrides.NONE);
              overrides.put(appId, override);
              return defaults.overriddenBy(override);
            });
  }

  /**
   * Whether one more request of {@code action} (in {@code group}) fits the account's limits. A
   * rejection is a value ({@code false}); no crypto or key lookup has been spent yet.
   */
  public Future<Boolean> admit(String appId, Group group, String action) {
    return effective(appId)
        .compose(
            l -> {
              long groupQps =
                  switch (group) {
                    case CRYPTO -> l.crypto();
                    case MANAGEMENT -> l.management();
                    default -> l.groups().getOrDefault(group.name(), l.management());
                  };
              Integer actionQps = l.actions().get(action);
              Future<Boolean> first = limiter.tryAcquire(appId, group.name(), groupQps);
              return actionQps == null
                  ? first
                  : first.compose(
                      ok ->
                          ok
                              ? limiter.tryAcquire(appId, "action:" + action, actionQps)
                              : Future.succeededFuture(false));
            });
  }

  /**
   * Stores an account's overrides (fields left empty keep their current override) and announces the
   * change to every replica.
   *
   * @return the new effective limits; NOT_FOUND for an unknown account
   */
  public Future<Limits> set(String appId, LimitOverrides change) {
    return repository
        .findLimits(appId)
        .compose(
            current -> {
              LimitOverrides merged = current.orElse(LimitOverrides.NONE).overriddenBy(change);
              return repository.saveLimits(appId, merged).map(v -> merged);
            })
        .map(
            merged -> {
              overrides.put(appId, merged);
              bus.publish(new ChangeBus.Change(ChangeBus.Kind.LIMITS, appId));
              return defaults.overriddenBy(merged);
            });
  }

  /**
   * Validates a change's values: every limit 1 .. 100,000,000, action names alphanumeric, group
   * names those of {@link #OVERRIDABLE_GROUPS}.
   *
   * @throws io.tkms.error.KmsException INVALID_PARAMETER_VALUE naming what is wrong
   */
  public static void validate(LimitOverrides change) {
    change.crypto().ifPresent(LimitPolicy::check);
    change.management().ifPresent(LimitPolicy::check);
    change
        .groups()
        .forEach(
            (name, qps) -> {
              if (!OVERRIDABLE_GROUPS.contains(name)) {
                throw ErrorCode.INVALID_PARAMETER_VALUE.exception("unknown limiter group " + name);
              }
              check(qps);
            });
    change
        .actions()
        .forEach(
            (name, qps) -> {
              if (name == null
                  || name.isEmpty()
                  || name.length() > 64
                  || !name.chars().allMatch(Character::isLetterOrDigit)) {
                throw ErrorCode.INVALID_PARAMETER_VALUE.exception(
                    "action names are letters and digits");
              }
              check(qps);
            });
  }

  private static void check(int qps) {
    if (qps < 1 || qps > 100_000_000) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception(
          "limits must be between 1 and 100000000 requests per second");
    }
  }
}
