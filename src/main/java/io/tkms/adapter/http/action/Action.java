package io.tkms.adapter.http.action;

import io.tkms.adapter.http.Protocol;
import io.tkms.application.port.RateLimiter.Group;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One API action, declared once: its wire name in each protocol that has it, its limiter group, its
 * input fields (decoded and checked in this order before the handler runs), its output fields, and
 * its handler. Routing for both protocols, the metrics labels, the API reference ({@code
 * docs/api.md}) and the limiter group all come from these declarations ({@link ActionCatalog}). An
 * action without a handler is a Tencent action this server does not build: it answers
 * UNSUPPORTED_OPERATION. Immutable and thread safe.
 */
public final class Action {
  /** Runs an action whose inputs decoded; called on the request's event loop. */
  @FunctionalInterface
  public interface Handler {
    /**
     * The action's result, its fields named as API 3.0 spells them ({@link Call#result()}). A
     * secret input (a decoded plaintext) belongs to the handler until it hands it to a use case,
     * which then owns it: a handler throws only before that (the dispatcher zeroes secret inputs
     * when the handler throws).
     *
     * @throws io.tkms.error.KmsException a client-visible failure (thrown or as the failed future)
     */
    Future<Result> handle(Call call);
  }

  private final String name;
  private final Map<Protocol, String> wireNames;
  private final Group group;
  private final Map<Protocol, List<Field<?>>> inputs;
  private final Map<Protocol, List<String>> outputs;
  private final Handler handler;
  private final String note;
  private final List<String> ignored;
  private final Map<Protocol, Set<String>> accepted;

  private Action(Builder b, Handler handler) {
    this.name = b.name;
    this.wireNames = Collections.unmodifiableMap(new EnumMap<>(b.wireNames));
    this.group = b.group;
    this.inputs = Collections.unmodifiableMap(new EnumMap<>(b.inputs));
    this.outputs = Collections.unmodifiableMap(new EnumMap<>(b.outputs));
    this.handler = handler;
    this.note = b.note;
    this.ignored = List.copyOf(b.ignored);
    Map<Protocol, Set<String>> acc = new EnumMap<>(Protocol.class);
    for (Protocol p : Protocol.values()) {
      Set<String> names = new HashSet<>();
      for (Field<?> f : inputs(p)) {
        Field.Spec spec = f.spec(p);
        if (spec != null) {
          names.addAll(spec.names());
        }
      }
      if (p == Protocol.V3) {
        names.addAll(ignored);
      }
      acc.put(p, Set.copyOf(names));
    }
    this.accepted = Collections.unmodifiableMap(acc);
    for (List<Field<?>> fields : inputs.values()) {
      Set<String> names = new LinkedHashSet<>();
      for (Field<?> f : fields) {
        if (!names.add(f.name())) {
          throw new IllegalArgumentException(name + " declares the field " + f.name() + " twice");
        }
      }
    }
  }

  /**
   * An action of the crypto limiter group, API 3.0 only until {@link Builder#v2} says otherwise.
   */
  public static Builder crypto(String name) {
    return new Builder(name, Group.CRYPTO);
  }

  /**
   * An action of the management limiter group, API 3.0 only until {@link Builder#v2} says
   * otherwise.
   */
  public static Builder management(String name) {
    return new Builder(name, Group.MANAGEMENT);
  }

  /** An action of limiter group {@code group}, API 3.0 only. */
  public static Builder of(Group group, String name) {
    return new Builder(name, group);
  }

  /** A Tencent API 3.0 action this server does not build: answered with UNSUPPORTED_OPERATION. */
  public static Action unsupported(Group group, String name) {
    return new Builder(name, group).build(null);
  }

  /** As {@link #unsupported(Group, String)}, with why it is not built, for the API reference. */
  public static Action unsupported(Group group, String name, String why) {
    return new Builder(name, group).note(why).build(null);
  }

  /** The action's API 3.0 name: its identity in the catalog and in the API reference. */
  public String name() {
    return name;
  }

  /** The action's name in {@code protocol}, if that protocol has it. */
  public Optional<String> wireName(Protocol protocol) {
    return Optional.ofNullable(wireNames.get(protocol));
  }

  public Group group() {
    return group;
  }

  /** The input fields {@code protocol} checks, in the order it checks them. */
  public List<Field<?>> inputs(Protocol protocol) {
    return inputs.getOrDefault(protocol, List.of());
  }

  /** The output fields in {@code protocol}, named as API 3.0 spells them. */
  public List<String> outputs(Protocol protocol) {
    return outputs.getOrDefault(protocol, List.of());
  }

  /**
   * Whether {@code protocol} defines the input {@code wireName} for this action: one of its fields
   * (under any of its names) or one it {@linkplain Builder#ignores ignores}. Any other input name
   * is refused as unknown (not counting the protocol's {@linkplain Protocol#isCommonParameter
   * common parameters}), so that a body signed for one action cannot silently mean something to
   * another.
   */
  public boolean accepts(Protocol protocol, String wireName) {
    return accepted.get(protocol).contains(wireName);
  }

  /** API 3.0 inputs of this action that the server accepts and does not read. */
  public List<String> ignored() {
    return ignored;
  }

  public boolean supported() {
    return handler != null;
  }

  Handler handler() {
    return handler;
  }

  /** What the API reference says beyond the fields (limits, refusals), or "". */
  public String note() {
    return note;
  }

  @Override
  public String toString() {
    return "Action[" + name + "]";
  }

  /** Builds a declaration; {@link #handler} ends it. */
  public static final class Builder {
    private final String name;
    private final Group group;
    private final Map<Protocol, String> wireNames = new EnumMap<>(Protocol.class);
    private final Map<Protocol, List<Field<?>>> inputs = new EnumMap<>(Protocol.class);
    private final Map<Protocol, List<String>> outputs = new EnumMap<>(Protocol.class);
    private String note = "";
    private final List<String> ignored = new ArrayList<>();

    private Builder(String name, Group group) {
      this.name = name;
      this.group = group;
      wireNames.put(Protocol.V3, name);
    }

    /** API 2.0 serves the action under the same name too. */
    public Builder v2() {
      return v2(name);
    }

    /** API 2.0 serves the action as {@code v2Name}. */
    public Builder v2(String v2Name) {
      wireNames.put(Protocol.V2, v2Name);
      return this;
    }

    /** The input fields, in the order they are checked. */
    public Builder inputs(Field<?>... fields) {
      for (Protocol p : Protocol.values()) {
        inputs.put(p, List.of(fields));
      }
      return this;
    }

    /** The input fields in {@code protocol} only, where the protocols check in another order. */
    public Builder inputs(Protocol protocol, Field<?>... fields) {
      inputs.put(protocol, List.of(fields));
      return this;
    }

    /**
     * The output fields in every protocol (API 3.0 spelling; API 2.0 writes them lower camel case).
     */
    public Builder outputs(String... fields) {
      for (Protocol p : Protocol.values()) {
        outputs.put(p, List.of(fields));
      }
      return this;
    }

    /** The output fields in {@code protocol} only, where the protocols answer differently. */
    public Builder outputs(Protocol protocol, String... fields) {
      outputs.put(protocol, List.of(fields));
      return this;
    }

    /**
     * Inputs Tencent's API 3.0 defines for this action that the server accepts and does not read:
     * given, they change nothing; any input neither declared nor ignored is refused as unknown.
     * (API 2.0 defines no input that the declarations leave out.)
     */
    public Builder ignores(String... names) {
      ignored.addAll(List.of(names));
      return this;
    }

    /** A line for the API reference: limits, refusals, anything the fields do not say. */
    public Builder note(String text) {
      note = text;
      return this;
    }

    /** The declaration, run by {@code handler}. */
    public Action handler(Handler handler) {
      return build(java.util.Objects.requireNonNull(handler, "handler"));
    }

    private Action build(Handler handler) {
      return new Action(this, handler);
    }
  }
}
