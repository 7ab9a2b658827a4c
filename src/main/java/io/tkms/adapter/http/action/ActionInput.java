package io.tkms.adapter.http.action;

/**
 * The decoded parameters of one request in its protocol's shape: API 2.0's flat strings, or API
 * 3.0's JSON tree (from a JSON body, or unflattened from GET/form parameters). Values may hold
 * plaintext: never log them.
 */
@FunctionalInterface
public interface ActionInput {
  /** The value of parameter {@code wireName}, or null when absent. */
  Object get(String wireName);
}
