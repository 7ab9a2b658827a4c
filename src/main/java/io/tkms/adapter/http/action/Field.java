package io.tkms.adapter.http.action;

import io.tkms.adapter.http.Protocol;
import io.tkms.domain.KeyId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One input parameter, declared once for every action that takes it: its API 3.0 name, its wire
 * type and, per protocol, its wire names, whether it is required and its bounds. {@link #decode}
 * checks presence, type and bounds the same way for both protocols, then hands the value to the
 * field's parser (a domain rule such as {@code KeyId.parse}). Declarations are constants: the
 * withers return a changed copy. Immutable and thread safe.
 *
 * @param <T> the decoded value's type
 */
public final class Field<T> {
  /** The wire types, as the request carries them. */
  public enum Type {
    STRING("string"),
    INTEGER("integer"),
    STRINGS("list of strings"),
    OBJECTS("list of objects"),
    /** Any value at all (a field refused whenever it is given). */
    ANY("any");

    private final String doc;

    Type(String doc) {
      this.doc = doc;
    }

    /** How the API reference names the type. */
    public String doc() {
      return doc;
    }
  }

  /**
   * What one protocol accepts.
   *
   * @param protocol the protocol
   * @param names wire names: the first is the documented one, later ones are accepted spellings
   * @param required whether a request without the field fails with MISSING_PARAMETER
   * @param min smallest integer, or shortest string the parser allows (documentation only)
   * @param max largest integer, longest string the parser allows, or most list items
   * @param zeroIsAbsent an integer 0 counts as "not given" (API 2.0 SDKs send 0 for unset numbers)
   */
  public record Spec(
      Protocol protocol,
      List<String> names,
      boolean required,
      long min,
      long max,
      boolean zeroIsAbsent) {
    public Spec {
      names = List.copyOf(names);
    }

    /** The documented wire name. */
    public String name() {
      return names.get(0);
    }

    Spec withNames(List<String> n) {
      return new Spec(protocol, n, required, min, max, zeroIsAbsent);
    }

    Spec withRequired(boolean r) {
      return new Spec(protocol, names, r, min, max, zeroIsAbsent);
    }

    Spec withBounds(long lo, long hi) {
      return new Spec(protocol, names, required, lo, hi, zeroIsAbsent);
    }

    Spec withZeroIsAbsent() {
      return new Spec(protocol, names, required, min, max, true);
    }
  }

  /**
   * Turns a present value of the wire type into the field's value; may fail with a KmsException.
   */
  @FunctionalInterface
  public interface Parser<T> {
    T parse(Object wireValue, Spec spec);
  }

  private final String name;
  private final Type type;
  private final Map<Protocol, Spec> specs;
  private final Parser<T> parser;
  private final T fallback;
  private final String doc;
  private final Function<T, KeyId> auditedKey;
  private final String unless;

  /** What {@link #decode} answers for a field the request did not give. */
  static final Object ABSENT = new Object();

  private Field(
      String name,
      Type type,
      Map<Protocol, Spec> specs,
      Parser<T> parser,
      T fallback,
      String doc,
      Function<T, KeyId> auditedKey,
      String unless) {
    this.name = name;
    this.type = type;
    this.specs = Collections.unmodifiableMap(new EnumMap<>(specs));
    this.parser = parser;
    this.fallback = fallback;
    this.doc = doc;
    this.auditedKey = auditedKey;
    this.unless = unless;
  }

  private static <T> Field<T> of(String name, Type type, long min, long max, Parser<T> parser) {
    Map<Protocol, Spec> specs = new EnumMap<>(Protocol.class);
    for (Protocol p : Protocol.values()) {
      specs.put(p, new Spec(p, List.of(p.fieldName(name)), false, min, max, false));
    }
    return new Field<>(name, type, specs, parser, null, "", null, null);
  }

  /** An optional string in both protocols. */
  public static Field<String> string(String name) {
    return of(name, Type.STRING, 0, Long.MAX_VALUE, (v, s) -> (String) v);
  }

  /** An optional integer in [{@code min}, {@code max}] in both protocols. */
  public static Field<Integer> integer(String name, int min, int max) {
    return of(name, Type.INTEGER, min, max, (v, s) -> ((Long) v).intValue());
  }

  /** An optional integer of any size (its parser narrows it). */
  public static Field<Long> anyInteger(String name) {
    return of(name, Type.INTEGER, Long.MIN_VALUE, Long.MAX_VALUE, (v, s) -> (Long) v);
  }

  /** An optional field of any wire type: its parser sees the value as the request carries it. */
  public static Field<Object> any(String name) {
    return of(name, Type.ANY, 0, Long.MAX_VALUE, (v, s) -> v);
  }

  /** An optional list of at most {@code maxItems} strings. */
  @SuppressWarnings("unchecked")
  public static Field<List<String>> strings(String name, int maxItems) {
    return of(name, Type.STRINGS, 0, maxItems, (v, s) -> (List<String>) v);
  }

  /** An optional list of at most {@code maxItems} objects. */
  @SuppressWarnings("unchecked")
  public static Field<List<Map<String, Object>>> objects(String name, int maxItems) {
    return of(name, Type.OBJECTS, 0, maxItems, (v, s) -> (List<Map<String, Object>>) v);
  }

  private Field<T> withSpecs(Function<Spec, Spec> change, Protocol... protocols) {
    Map<Protocol, Spec> m = new EnumMap<>(specs);
    for (Protocol p : protocols.length == 0 ? Protocol.values() : protocols) {
      if (m.containsKey(p)) {
        m.put(p, change.apply(m.get(p)));
      }
    }
    return new Field<>(name, type, m, parser, fallback, doc, auditedKey, unless);
  }

  /** Required in the given protocols (all when none are named). */
  public Field<T> required(Protocol... protocols) {
    return withSpecs(s -> s.withRequired(true), protocols);
  }

  /**
   * Required unless the request gave {@code other} (declared before this field in the action), in
   * which case this field is not read at all: the two are alternatives.
   */
  public Field<T> requiredUnless(Field<?> other) {
    Field<T> r = required();
    return new Field<>(name, type, r.specs, parser, fallback, doc, auditedKey, other.name());
  }

  /** The field this one is the alternative of ({@link #requiredUnless}), or null. */
  public String alternativeOf() {
    return unless;
  }

  /** Optional in the given protocols (all when none are named). */
  public Field<T> optional(Protocol... protocols) {
    return withSpecs(s -> s.withRequired(false), protocols);
  }

  /** Bounds in the given protocols (all when none are named); see {@link Spec}. */
  public Field<T> bounds(long min, long max, Protocol... protocols) {
    return withSpecs(s -> s.withBounds(min, max), protocols);
  }

  /** An integer 0 counts as absent in the given protocols. */
  public Field<T> zeroIsAbsent(Protocol... protocols) {
    return withSpecs(Spec::withZeroIsAbsent, protocols);
  }

  /** Also accepts {@code alias} as this field's name in {@code protocol}. */
  public Field<T> alsoNamed(Protocol protocol, String alias) {
    return withSpecs(
        s -> {
          List<String> n = new ArrayList<>(s.names());
          n.add(alias);
          return s.withNames(n);
        },
        protocol);
  }

  /** The field exists in {@code protocol} only. */
  public Field<T> only(Protocol protocol) {
    Map<Protocol, Spec> m = new EnumMap<>(Protocol.class);
    m.put(protocol, specs.get(protocol));
    return new Field<>(name, type, m, parser, fallback, doc, auditedKey, unless);
  }

  /** The value an absent optional field (or one the protocol does not have) decodes to. */
  public Field<T> orElse(T value) {
    return new Field<>(name, type, specs, parser, value, doc, auditedKey, unless);
  }

  /** What the value means, for the API reference. */
  public Field<T> doc(String text) {
    return new Field<>(name, type, specs, parser, fallback, text, auditedKey, unless);
  }

  /** The decoded value names the request's key: record it for the audit event. */
  public Field<T> audited(Function<T, KeyId> key) {
    return new Field<>(name, type, specs, parser, fallback, doc, key, unless);
  }

  /** This field with its value turned into {@code U} by {@code f} (a domain rule). */
  public <U> Field<U> map(Function<? super T, ? extends U> f) {
    Parser<T> p = parser;
    return new Field<>(
        name, type, specs, (v, s) -> f.apply(p.parse(v, s)), null, doc, null, unless);
  }

  /** As {@link #map(Function)}, for rules that depend on the protocol's bounds. */
  public <U> Field<U> mapBounded(BiFunction<? super T, Spec, ? extends U> f) {
    Parser<T> p = parser;
    return new Field<>(
        name, type, specs, (v, s) -> f.apply(p.parse(v, s), s), null, doc, null, unless);
  }

  /** The API 3.0 name, which also identifies the field within an action. */
  public String name() {
    return name;
  }

  public Type type() {
    return type;
  }

  public String doc() {
    return doc;
  }

  /** What {@code protocol} accepts, or null when this field is not part of that protocol. */
  public Spec spec(Protocol protocol) {
    return specs.get(protocol);
  }

  /** The value of an absent optional field; null when there is none. */
  public T fallback() {
    return fallback;
  }

  /** The key the decoded value names, when this field is audited; else null. */
  KeyId auditedKey(Object value) {
    @SuppressWarnings("unchecked")
    T v = (T) value;
    return auditedKey == null || value == null ? null : auditedKey.apply(v);
  }

  /**
   * This field's value in a request of {@code protocol}: {@link #ABSENT} when the request does not
   * give it (or the protocol does not have it, or the field is the alternative of one given), else
   * the parsed value.
   *
   * @param given whether the request gave a field (by name) declared before this one
   * @throws io.tkms.error.KmsException MISSING_PARAMETER for a required field,
   *     INVALID_PARAMETER_VALUE or PARAMETER_BATCH_TOO_LARGE for a wrong type or bounds, or
   *     whatever the parser refuses
   */
  Object decode(Protocol protocol, ActionInput input, Predicate<String> given) {
    Spec spec = specs.get(protocol);
    if (spec == null || (unless != null && given.test(unless))) {
      return ABSENT;
    }
    Object raw = null;
    String wireName = spec.name();
    for (String n : spec.names()) {
      raw = input.get(n);
      if (raw != null) {
        wireName = n;
        break;
      }
    }
    Object value =
        raw == null || (raw instanceof String s && s.isEmpty())
            ? null
            : WireValues.of(type, raw, wireName, spec);
    if (value == null) {
      if (spec.required()) {
        throw protocol.missing(
            unless == null ? spec.name() : spec.name() + " or " + protocol.fieldName(unless));
      }
      return ABSENT;
    }
    return parser.parse(value, spec);
  }
}
