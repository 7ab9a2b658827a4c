package io.tkms.adapter.http.action;

import io.tkms.adapter.http.Protocol;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every action the API knows, supported or not, looked up by protocol and wire name. The standard
 * catalog is the families' declarations; tests may add their own. Immutable and thread safe.
 */
public final class ActionCatalog {
  private final List<Action> actions;
  private final Map<Protocol, Map<String, Action>> byWireName = new EnumMap<>(Protocol.class);

  private ActionCatalog(List<Action> actions) {
    this.actions = List.copyOf(actions);
    Set<String> names = new LinkedHashSet<>();
    for (Protocol p : Protocol.values()) {
      byWireName.put(p, new HashMap<>());
    }
    for (Action a : this.actions) {
      if (!names.add(a.name())) {
        throw new IllegalArgumentException("the action " + a.name() + " is declared twice");
      }
      for (Protocol p : Protocol.values()) {
        a.wireName(p)
            .ifPresent(
                n -> {
                  if (byWireName.get(p).putIfAbsent(n, a) != null) {
                    throw new IllegalArgumentException(
                        "two actions are called " + n + " in " + p.label());
                  }
                });
      }
    }
  }

  /** The actions of this server: every Tencent KMS action, each family's declarations in turn. */
  public static ActionCatalog standard() {
    List<Action> all = new ArrayList<>();
    all.addAll(CryptoActions.ALL);
    all.addAll(AsymmetricActions.ALL);
    all.addAll(KeyActions.ALL);
    all.addAll(KeyStateActions.ALL);
    all.addAll(RotationActions.ALL);
    all.addAll(ImportActions.ALL);
    all.addAll(ServiceActions.ALL);
    all.addAll(UnsupportedActions.ALL);
    return new ActionCatalog(all);
  }

  /** This catalog plus {@code more}. */
  public ActionCatalog with(Action... more) {
    List<Action> all = new ArrayList<>(actions);
    all.addAll(List.of(more));
    return new ActionCatalog(all);
  }

  /** Every action, in declaration order. */
  public List<Action> actions() {
    return actions;
  }

  /** The action {@code protocol} serves as {@code wireName}, or null when there is none. */
  public Action find(Protocol protocol, String wireName) {
    return byWireName.get(protocol).get(wireName);
  }

  /**
   * Every wire name of every action, each once: the vocabulary of the metrics' {@code action} label
   * (requests name the action as their protocol spells it).
   */
  public List<String> wireNames() {
    Set<String> out = new LinkedHashSet<>();
    for (Action a : actions) {
      for (Protocol p : Protocol.values()) {
        a.wireName(p).ifPresent(out::add);
      }
    }
    return List.copyOf(out);
  }
}
