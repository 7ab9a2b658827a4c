package io.tkms.crypto;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.math.ec.ECPoint;

/** Test helper: SM2's e = SM3(Z_A || M) with the default user id, computed independently. */
public final class Sm2Digests {
  private Sm2Digests() {}

  public static byte[] e(byte[] spki, byte[] message) {
    try {
      ECPublicKeyParameters pub = (ECPublicKeyParameters) PublicKeyFactory.createKey(spki);
      ECDomainParameters d = pub.getParameters();
      byte[] id = "1234567812345678".getBytes(StandardCharsets.US_ASCII);
      SM3Digest sm3 = new SM3Digest();
      int bits = id.length * 8;
      sm3.update((byte) (bits >> 8));
      sm3.update((byte) bits);
      sm3.update(id, 0, id.length);
      ECPoint g = d.getG().normalize();
      ECPoint q = pub.getQ().normalize();
      for (byte[] part :
          List.of(
              d.getCurve().getA().getEncoded(),
              d.getCurve().getB().getEncoded(),
              g.getAffineXCoord().getEncoded(),
              g.getAffineYCoord().getEncoded(),
              q.getAffineXCoord().getEncoded(),
              q.getAffineYCoord().getEncoded())) {
        sm3.update(part, 0, part.length);
      }
      byte[] z = new byte[32];
      sm3.doFinal(z, 0);
      sm3.update(z, 0, z.length);
      sm3.update(message, 0, message.length);
      byte[] e = new byte[32];
      sm3.doFinal(e, 0);
      return e;
    } catch (java.io.IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
  }
}
