package io.tkms.adapter.http.auth;

import static io.tkms.adapter.http.auth.Tc3Capture.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class Tc3KeyCacheTest {
  private static final byte[] WRONG = "EXAMPLESECRETKEz".getBytes(StandardCharsets.UTF_8);

  private final Tc3KeyCache cache = new Tc3KeyCache();
  private final Tc3Capture java = Tc3Capture.load("01");
  private final Tc3Authorization auth = java.authorization();
  private final String sts = java.stringsToSign(java.timestamp()).get(0);

  private boolean verify(long version, byte[] secret) {
    return cache.verify(
        "AKIDEXAMPLEID", version, secret, auth.date(), auth.service(), sts, auth.signature());
  }

  @Test
  void failedVerification_leavesTheCacheEmpty() {
    assertThat(verify(1, WRONG)).isFalse();
    assertThat(cache.size()).isZero();
    assertThat(cache.verify("AKIDEXAMPLEID", 1, SECRET, auth.date(), auth.service(), sts, "00"))
        .isFalse();
    assertThat(
            cache.verify(
                "AKIDEXAMPLEID",
                1,
                SECRET,
                auth.date(),
                auth.service(),
                sts + "x",
                auth.signature()))
        .isFalse();
    assertThat(cache.size()).isZero();
  }

  @Test
  void successfulVerification_fillsTheCache_once() {
    assertThat(verify(1, SECRET)).isTrue();
    assertThat(cache.size()).isEqualTo(1);
    assertThat(verify(1, SECRET)).isTrue();
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void cachedKey_stillRefusesATamperedRequest() {
    assertThat(verify(1, SECRET)).isTrue();
    String tampered = sts.substring(0, sts.length() - 1) + (sts.endsWith("0") ? "1" : "0");
    assertThat(
            cache.verify(
                "AKIDEXAMPLEID",
                1,
                SECRET,
                auth.date(),
                auth.service(),
                tampered,
                auth.signature()))
        .isFalse();
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void differentCredentialVersion_misses() {
    assertThat(verify(1, SECRET)).isTrue();
    // Version 2 is a rotated secret: the version-1 key must not be used for it.
    assertThat(verify(2, WRONG)).isFalse();
    assertThat(cache.size()).isEqualTo(1);
    assertThat(verify(2, SECRET)).isTrue();
    assertThat(cache.size()).isEqualTo(2);
  }

  @Test
  void sameCredentialVersion_hitsTheCache_soCallersMustBumpItOnRotation() {
    assertThat(verify(1, SECRET)).isTrue();
    // Documented contract: within one version the cached key wins over the secret passed in.
    assertThat(verify(1, WRONG)).isTrue();
  }

  @Test
  void otherSecretIdDateOrService_misses() {
    assertThat(verify(1, SECRET)).isTrue();
    assertThat(
            cache.verify("AKIDOTHER", 1, WRONG, auth.date(), auth.service(), sts, auth.signature()))
        .isFalse();
    assertThat(
            cache.verify(
                "AKIDEXAMPLEID", 1, WRONG, "2026-11-28", auth.service(), sts, auth.signature()))
        .isFalse();
    assertThat(cache.verify("AKIDEXAMPLEID", 1, WRONG, auth.date(), "kms", sts, auth.signature()))
        .isFalse();
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void verifyAny_nodeCapture_matchesTheSecondCandidate_andCaches() {
    Tc3Capture node = Tc3Capture.load("15");
    Tc3Authorization a = node.authorization();
    List<String> candidates = node.stringsToSign(node.timestamp());
    assertThat(candidates).hasSize(2);
    assertThat(
            cache.verifyAny(
                "AKIDEXAMPLEID", 7, WRONG, a.date(), a.service(), candidates, a.signature()))
        .isFalse();
    assertThat(cache.size()).isZero();
    assertThat(
            cache.verifyAny(
                "AKIDEXAMPLEID", 7, SECRET, a.date(), a.service(), candidates, a.signature()))
        .isTrue();
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void invalidate_dropsEveryKeyOfTheSecretId() {
    assertThat(verify(1, SECRET)).isTrue();
    assertThat(verify(2, SECRET)).isTrue();
    cache.invalidate("AKIDOTHER");
    assertThat(cache.size()).isEqualTo(2);
    cache.invalidate("AKIDEXAMPLEID");
    assertThat(cache.size()).isZero();
    assertThat(verify(1, WRONG)).isFalse();
  }

  @Test
  void bound_isEnforced() {
    Tc3KeyCache small = new Tc3KeyCache(1, Duration.ofDays(2));
    for (long v = 0; v < 5; v++) {
      assertThat(
              small.verify(
                  "AKIDEXAMPLEID", v, SECRET, auth.date(), auth.service(), sts, auth.signature()))
          .isTrue();
    }
    assertThat(small.size()).isEqualTo(1);
  }

  @Test
  void toString_doesNotShowDerivedKeys() {
    assertThat(verify(1, SECRET)).isTrue();
    String key =
        HexFormat.of().formatHex(Tc3Signature.signingKey(SECRET, auth.date(), auth.service()));
    assertThat(cache.toString()).contains("redacted").doesNotContain(key);
  }
}
