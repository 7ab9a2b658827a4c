package io.tkms.adapter.http.action;

import io.tkms.adapter.http.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders the action tables of {@code docs/api.md} from the action declarations, so the API
 * reference lists exactly what the server routes, with each field's rules as the decoder applies
 * them. {@link ApiDocTest} keeps the file equal to this rendering.
 */
public final class ApiReference {
  public static final String BEGIN =
      "<!-- BEGIN GENERATED actions: rendered from the action declarations (io.tkms.adapter.http.action) by ApiDocTest; do not edit by hand -->";
  public static final String END = "<!-- END GENERATED actions -->";

  private ApiReference() {}

  /** Both protocols' tables: every action of {@code catalog} that the protocol names. */
  public static String render(ActionCatalog catalog) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "## API 3.0 (`POST /` JSON or `GET /?…`; TC3-HMAC-SHA256 or legacy HmacSHA1/HmacSHA256 form signing)\n\n");
    table(sb, catalog, Protocol.V3);
    sb.append("\n## API 2.0 (`/v2/index.php`; HmacSHA1/HmacSHA256 form signing)\n\n");
    table(sb, catalog, Protocol.V2);
    return sb.toString();
  }

  private static void table(StringBuilder sb, ActionCatalog catalog, Protocol p) {
    sb.append("| Action | Limiter group | Parameters | Answer | Notes |\n|---|---|---|---|---|\n");
    List<Action> unsupported = new ArrayList<>();
    for (Action a : catalog.actions()) {
      if (a.wireName(p).isEmpty()) {
        continue;
      }
      if (!a.supported()) {
        unsupported.add(a);
        continue;
      }
      List<String> notes = new ArrayList<>();
      if (!a.wireName(p).get().equals(a.name())) {
        notes.add("API 3.0: " + a.name());
      }
      if (!a.note().isEmpty()) {
        notes.add(a.note());
      }
      if (p == Protocol.V3 && !a.ignored().isEmpty()) {
        List<String> names = new ArrayList<>();
        a.ignored().forEach(n -> names.add("`" + n + "`"));
        notes.add("accepted and ignored: " + String.join(", ", names));
      }
      sb.append("| ")
          .append(a.wireName(p).get())
          .append(" | ")
          .append(a.group().name().toLowerCase(Locale.ROOT))
          .append(" | ")
          .append(fields(a, p))
          .append(" | ")
          .append(outputs(a, p))
          .append(" | ")
          .append(String.join("; ", notes))
          .append(" |\n");
    }
    for (Action a : unsupported) {
      sb.append("| ")
          .append(a.wireName(p).get())
          .append(" | ")
          .append(a.group().name().toLowerCase(Locale.ROOT))
          .append(" | | | not supported (UnsupportedOperation)")
          .append(a.note().isEmpty() ? "" : ": " + a.note())
          .append(" |\n");
    }
  }

  private static String fields(Action a, Protocol p) {
    List<String> out = new ArrayList<>();
    for (Field<?> f : a.inputs(p)) {
      Field.Spec spec = f.spec(p);
      if (spec != null) {
        out.add(field(f, spec));
      }
    }
    return out.isEmpty() ? "—" : String.join(", ", out);
  }

  /** {@code `Name`} (required; integer 1–200, default 10; what it means). */
  static String field(Field<?> f, Field.Spec spec) {
    List<String> parts = new ArrayList<>();
    if (spec.required()) {
      parts.add(
          f.alternativeOf() == null
              ? "required"
              : "required unless `" + spec.protocol().fieldName(f.alternativeOf()) + "` is given");
    }
    parts.add(type(f, spec));
    if (!f.doc().isEmpty()) {
      parts.add(f.doc());
    }
    StringBuilder name = new StringBuilder("`" + spec.name() + "`");
    for (String alias : spec.names().subList(1, spec.names().size())) {
      name.append(" or `").append(alias).append("`");
    }
    return name + " (" + String.join("; ", parts) + ")";
  }

  private static String type(Field<?> f, Field.Spec spec) {
    return switch (f.type()) {
      case INTEGER -> {
        String t = "integer";
        if (spec.min() != Long.MIN_VALUE || spec.max() != Long.MAX_VALUE) {
          t += spec.min() == spec.max() ? " " + spec.min() : " " + spec.min() + "–" + spec.max();
        }
        if (spec.zeroIsAbsent()) {
          t += ", 0 means not given";
        }
        if (f.fallback() instanceof Number n) {
          t += ", default " + n;
        }
        yield t;
      }
      case STRING ->
          spec.max() == Long.MAX_VALUE
              ? "string"
              : "string of " + spec.min() + "–" + spec.max() + " characters";
      case STRINGS, OBJECTS -> f.type().doc() + ", at most " + spec.max();
      case ANY -> "any value";
    };
  }

  private static String outputs(Action a, Protocol p) {
    List<String> out = new ArrayList<>();
    for (String o : a.outputs(p)) {
      out.add("`" + p.fieldName(o) + "`");
    }
    return out.isEmpty() ? "—" : String.join(", ", out);
  }
}
