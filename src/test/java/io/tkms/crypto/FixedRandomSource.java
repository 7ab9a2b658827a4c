package io.tkms.crypto;

import java.io.ByteArrayOutputStream;

/**
 * Test double: hands out the given bytes as one stream, in order (a request may span chunks, as
 * salt and nonce are drawn together), and fails on a request beyond their end.
 */
final class FixedRandomSource implements RandomSource {
  private final byte[] bytes;
  private int next;

  FixedRandomSource(byte[]... chunks) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] c : chunks) {
      all.writeBytes(c);
    }
    bytes = all.toByteArray();
  }

  @Override
  public synchronized void nextBytes(byte[] out) {
    if (out.length > bytes.length - next) {
      throw new AssertionError(
          "unexpected random request of "
              + out.length
              + " bytes; "
              + (bytes.length - next)
              + " left");
    }
    System.arraycopy(bytes, next, out, 0, out.length);
    next += out.length;
  }

  boolean exhausted() {
    return next == bytes.length;
  }

  @Override
  public String toString() {
    return "FixedRandomSource[" + (bytes.length - next) + " of " + bytes.length + " bytes left]";
  }
}
