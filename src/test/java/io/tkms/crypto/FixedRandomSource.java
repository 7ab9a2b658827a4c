package io.tkms.crypto;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/** Test double: hands out exactly the given chunks, in order, and fails on any other request. */
final class FixedRandomSource implements RandomSource {
  private final Deque<byte[]> chunks = new ArrayDeque<>();

  FixedRandomSource(byte[]... chunks) {
    for (byte[] c : chunks) {
      this.chunks.add(c.clone());
    }
  }

  @Override
  public synchronized void nextBytes(byte[] out) {
    byte[] next = chunks.poll();
    if (next == null || next.length != out.length) {
      throw new AssertionError(
          "unexpected random request of " + out.length + " bytes; next chunk is "
              + (next == null ? "missing" : next.length + " bytes"));
    }
    System.arraycopy(next, 0, out, 0, out.length);
  }

  boolean exhausted() {
    return chunks.isEmpty();
  }

  @Override
  public String toString() {
    return "FixedRandomSource" + Arrays.toString(chunks.stream().mapToInt(c -> c.length).toArray());
  }
}
