package io.tkms.adapter.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The accounts the limiter refused most in the last minute, for a gauge whose label cardinality is
 * capped: refusals are counted per account in six slots of ten seconds (the current one and the
 * five before it), each slot tracking at most {@code maxAccountsPerSlot} accounts (refusals of
 * further accounts in that slot are counted together, not by account), and {@link #top} names at
 * most N of them. Memory and series stay bounded whatever the number of throttled accounts.
 * Thread-safe; a refusal costs a map look-up and an increment (the admitted path never comes here).
 */
public final class ThrottledAccounts {
  /** Slot length. */
  static final long SLOT_MILLIS = 10_000;

  /** Slots in the window: {@code SLOTS × SLOT_MILLIS} = one minute. */
  static final int SLOTS = 6;

  private record Slot(long epoch, Map<String, LongAdder> counts, LongAdder untracked) {
    Slot(long epoch) {
      this(epoch, new ConcurrentHashMap<>(), new LongAdder());
    }
  }

  /** One account and its refusals in the window. */
  public record Count(String account, long refusals) {}

  private final int maxAccountsPerSlot;
  private final LongSupplier clockMillis;
  private final AtomicReferenceArray<Slot> slots = new AtomicReferenceArray<>(SLOTS);

  public ThrottledAccounts(int maxAccountsPerSlot, LongSupplier clockMillis) {
    this.maxAccountsPerSlot = maxAccountsPerSlot;
    this.clockMillis = clockMillis;
  }

  /** One request of {@code account} the limiter refused. */
  public void refused(String account) {
    long epoch = clockMillis.getAsLong() / SLOT_MILLIS;
    int i = (int) Math.floorMod(epoch, (long) SLOTS);
    Slot s = slots.get(i);
    while (s == null || s.epoch() < epoch) {
      Slot fresh = new Slot(epoch);
      if (slots.compareAndSet(i, s, fresh)) {
        s = fresh;
      } else {
        s = slots.get(i);
      }
    }
    if (s.epoch() != epoch) {
      return; // a clock that stepped back: the slot belongs to a later epoch; not counted
    }
    LongAdder n = s.counts().get(account);
    if (n == null) {
      if (s.counts().size() >= maxAccountsPerSlot) {
        s.untracked().increment();
        return;
      }
      n = s.counts().computeIfAbsent(account, a -> new LongAdder());
    }
    n.increment();
  }

  /** At most {@code n} accounts with the most refusals in the window, most first. */
  public List<Count> top(int n) {
    long now = clockMillis.getAsLong() / SLOT_MILLIS;
    Map<String, Long> sum = new HashMap<>();
    for (int i = 0; i < SLOTS; i++) {
      Slot s = slots.get(i);
      if (s != null && s.epoch() > now - SLOTS && s.epoch() <= now) {
        s.counts().forEach((a, c) -> sum.merge(a, c.sum(), Long::sum));
      }
    }
    List<Count> all = new ArrayList<>(sum.size());
    sum.forEach((a, c) -> all.add(new Count(a, c)));
    all.sort(Comparator.comparingLong(Count::refusals).reversed().thenComparing(Count::account));
    return all.size() > n ? List.copyOf(all.subList(0, n)) : all;
  }

  /** Refusals in the window of accounts a full slot could not track by name. */
  public long untracked() {
    long now = clockMillis.getAsLong() / SLOT_MILLIS;
    long total = 0;
    for (int i = 0; i < SLOTS; i++) {
      Slot s = slots.get(i);
      if (s != null && s.epoch() > now - SLOTS && s.epoch() <= now) {
        total += s.untracked().sum();
      }
    }
    return total;
  }
}
