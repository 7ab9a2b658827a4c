package io.tkms.application.fakes;

import io.tkms.application.port.Hsa;
import io.tkms.domain.SecretBytes;
import io.tkms.error.KmsException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * {@link Hsa} without cryptography: wrapped = the wrap context, a zero byte, then the secret, so a
 * wrap opens only with the context it was made for, as with the real HSA. Tests can make chosen
 * wrapped material refuse to open, and count unwraps.
 */
public final class FakeHsa implements Hsa {
  private final SecureRandom random = new SecureRandom();
  private final Set<ByteBuffer> refused = new HashSet<>();
  private int unwraps;
  private long randomBytes;

  @Override
  public int rootVersion() {
    return 1;
  }

  @Override
  public Wrapped generateWrapped(String context, int length) {
    byte[] material = new byte[length];
    random.nextBytes(material);
    try {
      return wrap(material, context);
    } finally {
      Arrays.fill(material, (byte) 0);
    }
  }

  @Override
  public Wrapped wrap(byte[] secret, String context) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(prefix(context));
    out.writeBytes(secret);
    return new Wrapped(rootVersion(), out.toByteArray());
  }

  @Override
  public SecretBytes unwrap(Wrapped wrapped, String context) {
    unwraps++;
    byte[] prefix = prefix(context);
    byte[] b = wrapped.bytes();
    if (refused.contains(ByteBuffer.wrap(b))
        || b.length < prefix.length
        || !Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length)) {
      throw KmsException.internal("wrapped material does not open");
    }
    return SecretBytes.wrap(Arrays.copyOfRange(b, prefix.length, b.length));
  }

  @Override
  public void random(byte[] out) {
    random.nextBytes(out);
    randomBytes += out.length;
  }

  /** Bytes drawn from this HSA's random source so far (key material must come from here). */
  public long randomBytesDrawn() {
    return randomBytes;
  }

  /** From now on {@code wrapped} does not open (a corrupted row, another root key). */
  public void refuse(Wrapped wrapped) {
    refused.add(ByteBuffer.wrap(wrapped.bytes().clone()));
  }

  /** Unwraps attempted so far. */
  public int unwraps() {
    return unwraps;
  }

  private static byte[] prefix(String context) {
    byte[] c = context.getBytes(StandardCharsets.UTF_8);
    return Arrays.copyOf(c, c.length + 1);
  }
}
