package io.tkms.adapter.http.wire;

import java.util.Objects;

/**
 * One decoded request parameter, as it appeared on the wire (names may repeat in a raw list).
 *
 * <p>Immutable and thread safe. {@link #toString()} hides the value because values can be plaintext
 * or key material and parameter lists end up in debug logs.
 *
 * @param name the decoded name, never empty
 * @param value the decoded value, possibly empty, never null
 */
public record Param(String name, String value) {

  public Param {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return "Param[name=" + name + ", value=<" + value.length() + " chars>]";
  }
}
