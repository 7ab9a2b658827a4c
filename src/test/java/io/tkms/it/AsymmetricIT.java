package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.kms.v20190118.KmsClient;
import com.tencentcloudapi.kms.v20190118.models.*;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Asymmetric keys through Tencent's own Java SDK, and interoperability with Debian's {@code
 * openssl} (3.0): our signatures verify with {@code openssl dgst -verify}, ciphertexts made by
 * {@code openssl pkeyutl -encrypt} decrypt through the API, and what Decrypt and GenerateDataKey
 * encrypt to a caller's public key opens with {@code openssl pkeyutl -decrypt}.
 */
class AsymmetricIT {
  @RegisterExtension static final TestServer server = TestServer.perClass();

  static final String SM2_ID = "distid:1234567812345678";
  static final byte[] MESSAGE = "the message to sign, signed".getBytes(StandardCharsets.UTF_8);

  static KmsClient kms;

  /** A key id per usage, made once. */
  static final Map<String, String> KEYS = new HashMap<>();

  @BeforeAll
  static void keys() throws Exception {
    kms = server.sdkClient("ap-guangzhou");
    for (String usage :
        List.of(
            "ASYMMETRIC_DECRYPT_RSA_2048",
            "ASYMMETRIC_DECRYPT_SM2",
            "ASYMMETRIC_SIGN_VERIFY_SM2",
            "ASYMMETRIC_SIGN_VERIFY_ECC",
            "ASYMMETRIC_SIGN_VERIFY_RSA_2048",
            "ASYMMETRIC_SIGN_VERIFY_ECDSA384")) {
      CreateKeyRequest create = new CreateKeyRequest();
      create.setAlias("asym-" + usage.toLowerCase().replace('_', '-'));
      create.setKeyUsage(usage);
      CreateKeyResponse created = kms.CreateKey(create);
      assertThat(created.getKeyUsage()).isEqualTo(usage);
      assertThat(created.getKeyState()).isEqualTo("Enabled");
      KEYS.put(usage, created.getKeyId());
    }
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  static byte[] unb64(String s) {
    return Base64.getDecoder().decode(s);
  }

  static String code(ThrowingCall call) {
    TencentCloudSDKException e = catchThrowableOfType(TencentCloudSDKException.class, call::run);
    assertThat(e).as("the call should have failed").isNotNull();
    return e.getErrorCode();
  }

  static String message(ThrowingCall call) {
    return catchThrowableOfType(TencentCloudSDKException.class, call::run).getMessage();
  }

  @FunctionalInterface
  interface ThrowingCall {
    void run() throws Exception;
  }

  static GetPublicKeyResponse publicKey(String usage) throws Exception {
    GetPublicKeyRequest r = new GetPublicKeyRequest();
    r.setKeyId(KEYS.get(usage));
    return kms.GetPublicKey(r);
  }

  static String sign(String usage, String algorithm, byte[] message, String type) throws Exception {
    SignByAsymmetricKeyRequest r = new SignByAsymmetricKeyRequest();
    r.setKeyId(KEYS.get(usage));
    r.setAlgorithm(algorithm);
    r.setMessage(b64(message));
    if (type != null) {
      r.setMessageType(type);
    }
    return kms.SignByAsymmetricKey(r).getSignature();
  }

  static boolean verify(
      String usage, String algorithm, byte[] message, String type, String signature)
      throws Exception {
    VerifyByAsymmetricKeyRequest r = new VerifyByAsymmetricKeyRequest();
    r.setKeyId(KEYS.get(usage));
    r.setAlgorithm(algorithm);
    r.setMessage(b64(message));
    r.setSignatureValue(signature);
    if (type != null) {
      r.setMessageType(type);
    }
    return kms.VerifyByAsymmetricKey(r).getSignatureValid();
  }

  @Test
  void describeAndList_showTheUsageAndType() throws Exception {
    String symmetricKey = symmetricKey();
    for (Map.Entry<String, String> k : KEYS.entrySet()) {
      DescribeKeyRequest d = new DescribeKeyRequest();
      d.setKeyId(k.getValue());
      KeyMetadata md = kms.DescribeKey(d).getKeyMetadata();
      assertThat(md.getKeyUsage()).isEqualTo(k.getKey());
      assertThat(md.getType()).isEqualTo(k.getKey().endsWith("SM2") ? 4L : 2L);
    }
    ListKeyDetailRequest plain = new ListKeyDetailRequest();
    plain.setLimit(200L);
    KeyMetadata[] listed = kms.ListKeyDetail(plain).getKeyMetadatas();
    assertThat(listed).extracting(KeyMetadata::getKeyUsage).containsOnly("ENCRYPT_DECRYPT");
    assertThat(listed).extracting(KeyMetadata::getKeyId).contains(symmetricKey);
    ListKeyDetailRequest all = new ListKeyDetailRequest();
    all.setLimit(200L);
    all.setKeyUsage("ALL");
    assertThat(kms.ListKeyDetail(all).getKeyMetadatas())
        .extracting(KeyMetadata::getKeyId)
        .containsAll(KEYS.values());
    ListKeyDetailRequest one = new ListKeyDetailRequest();
    one.setLimit(200L);
    one.setKeyUsage("ASYMMETRIC_SIGN_VERIFY_ECC");
    assertThat(kms.ListKeyDetail(one).getKeyMetadatas())
        .extracting(KeyMetadata::getKeyId)
        .containsExactly(KEYS.get("ASYMMETRIC_SIGN_VERIFY_ECC"));
  }

  @Test
  void listAlgorithms_listsWhatIsBuilt() throws Exception {
    ListAlgorithmsResponse r = kms.ListAlgorithms(new ListAlgorithmsRequest());
    assertThat(r.getSymmetricAlgorithms())
        .extracting(AlgorithmInfo::getAlgorithm)
        .containsExactly("AES_256");
    assertThat(r.getAsymmetricAlgorithms())
        .extracting(a -> a.getKeyUsage() + "/" + a.getAlgorithm())
        .containsExactly("ASYMMETRIC_DECRYPT_SM2/SM2", "ASYMMETRIC_DECRYPT_RSA_2048/RSA_2048");
    assertThat(r.getAsymmetricSignVerifyAlgorithms())
        .extracting(a -> a.getKeyUsage() + "/" + a.getAlgorithm())
        .containsExactly(
            "ASYMMETRIC_SIGN_VERIFY_SM2/SM2",
            "ASYMMETRIC_SIGN_VERIFY_RSA_2048/RSA_2048",
            "ASYMMETRIC_SIGN_VERIFY_ECC/ECC",
            "ASYMMETRIC_SIGN_VERIFY_ECDSA384/ECDSA384_SHA384");
  }

  @Test
  void getPublicKey_answersDerAndPem_thatOpensslReads() throws Exception {
    OpenSsl ssl = OpenSsl.require();
    for (String usage : KEYS.keySet()) {
      GetPublicKeyResponse pk = publicKey(usage);
      assertThat(pk.getKeyId()).isEqualTo(KEYS.get(usage));
      String pem = pk.getPublicKeyPem();
      assertThat(pem)
          .startsWith("-----BEGIN PUBLIC KEY-----\n")
          .endsWith("-----END PUBLIC KEY-----\n");
      assertThat(pem.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(64));
      ssl.write("pub.pem", pem);
      String text =
          ssl.ok("pkey", "-pubin", "-in", "pub.pem", "-outform", "DER", "-out", "pub.der");
      assertThat(ssl.read("pub.der")).as(usage + " " + text).isEqualTo(unb64(pk.getPublicKey()));
    }
    assertThat(unb64(publicKey("ASYMMETRIC_SIGN_VERIFY_SM2").getPublicKey()))
        .startsWith(unb64("MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE"));
  }

  @Test
  void signatures_verifyHereAndWithOpenssl_rawAndDigest() throws Exception {
    OpenSsl ssl = OpenSsl.require();
    ssl.write("msg", MESSAGE);
    record Case(String usage, String algorithm, String digest, String[] sigopts) {}
    List<Case> cases =
        List.of(
            new Case("ASYMMETRIC_SIGN_VERIFY_ECC", "ECC_P256_R1", "SHA-256", new String[0]),
            new Case(
                "ASYMMETRIC_SIGN_VERIFY_ECDSA384", "ECDSA384_SHA384", "SHA-384", new String[0]),
            new Case(
                "ASYMMETRIC_SIGN_VERIFY_RSA_2048", "RSA_PKCS1_SHA_256", "SHA-256", new String[0]),
            new Case(
                "ASYMMETRIC_SIGN_VERIFY_RSA_2048",
                "RSA_PSS_SHA_256",
                "SHA-256",
                new String[] {"-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"}),
            new Case(
                "ASYMMETRIC_SIGN_VERIFY_SM2", "SM2DSA", "SM3", new String[] {"-sigopt", SM2_ID}));
    for (Case c : cases) {
      ssl.write("pub.pem", publicKey(c.usage()).getPublicKeyPem());
      byte[] digest =
          c.digest().equals("SM3")
              ? io.tkms.crypto.Sm2Digests.e(unb64(publicKey(c.usage()).getPublicKey()), MESSAGE)
              : MessageDigest.getInstance(c.digest()).digest(MESSAGE);
      String raw = sign(c.usage(), c.algorithm(), MESSAGE, null);
      String fromDigest = sign(c.usage(), c.algorithm(), digest, "DIGEST");
      for (String sig : List.of(raw, fromDigest)) {
        assertThat(verify(c.usage(), c.algorithm(), MESSAGE, "RAW", sig)).as(c.toString()).isTrue();
        assertThat(verify(c.usage(), c.algorithm(), digest, "DIGEST", sig)).isTrue();
        byte[] tampered = unb64(sig);
        tampered[tampered.length / 2] ^= 1;
        assertThat(verify(c.usage(), c.algorithm(), MESSAGE, "RAW", b64(tampered))).isFalse();
        ssl.write("sig", unb64(sig));
        String md = "-" + c.digest().replace("-", "").toLowerCase();
        List<String> args = new java.util.ArrayList<>(List.of("dgst", md));
        args.addAll(List.of(c.sigopts()));
        args.addAll(List.of("-verify", "pub.pem", "-signature", "sig", "msg"));
        assertThat(ssl.ok(args.toArray(String[]::new))).as(c.toString()).contains("Verified OK");
      }
    }
    // A malformed signature is simply not valid.
    assertThat(verify("ASYMMETRIC_SIGN_VERIFY_ECC", "ECC_P256_R1", MESSAGE, null, "AAAA"))
        .isFalse();
  }

  @Test
  void rsaDecrypt_opensOpensslCiphertexts_ofEveryScheme() throws Exception {
    OpenSsl ssl = OpenSsl.require();
    String usage = "ASYMMETRIC_DECRYPT_RSA_2048";
    ssl.write("pub.pem", publicKey(usage).getPublicKeyPem());
    byte[] pt = "a secret for the RSA key".getBytes(StandardCharsets.UTF_8);
    ssl.write("pt", pt);
    for (Map.Entry<String, String[]> s : RSA_PKEYOPTS.entrySet()) {
      List<String> args =
          new java.util.ArrayList<>(
              List.of(
                  "pkeyutl", "-encrypt", "-pubin", "-inkey", "pub.pem", "-in", "pt", "-out", "ct"));
      args.addAll(List.of(s.getValue()));
      ssl.ok(args.toArray(String[]::new));
      AsymmetricRsaDecryptRequest r = new AsymmetricRsaDecryptRequest();
      r.setKeyId(KEYS.get(usage));
      r.setAlgorithm(s.getKey());
      r.setCiphertext(b64(ssl.read("ct")));
      AsymmetricRsaDecryptResponse out = kms.AsymmetricRsaDecrypt(r);
      assertThat(unb64(out.getPlaintext())).as(s.getKey()).isEqualTo(pt);
      assertThat(out.getKeyId()).isEqualTo(KEYS.get(usage));
    }
  }

  @Test
  void rsaDecrypt_failsAlike_whateverTheCause() throws Exception {
    String key = KEYS.get("ASYMMETRIC_DECRYPT_RSA_2048");
    // Each certainly fails (a random block would pass PKCS#1 v1.5's checks once in a few hundred):
    // 1 and 0 decrypt to themselves, all ones is above the modulus, then two wrong lengths.
    byte[] one = new byte[256];
    one[255] = 1;
    byte[] ones = new byte[256];
    Arrays.fill(ones, (byte) 0xff);
    List<byte[]> bad = List.of(one, new byte[256], ones, new byte[10], new byte[300]);
    java.util.Set<String> answers = new java.util.HashSet<>();
    for (byte[] ct : bad) {
      AsymmetricRsaDecryptRequest r = new AsymmetricRsaDecryptRequest();
      r.setKeyId(key);
      r.setAlgorithm("RSAES_PKCS1_V1_5");
      r.setCiphertext(b64(ct));
      TencentCloudSDKException e =
          catchThrowableOfType(TencentCloudSDKException.class, () -> kms.AsymmetricRsaDecrypt(r));
      answers.add(e.getErrorCode() + ": " + e.getMessage().replaceAll("(?i)requestid.*", ""));
    }
    assertThat(answers).hasSize(1);
    assertThat(answers.iterator().next()).startsWith("FailedOperation.DecryptError");
  }

  @Test
  void sm2Decrypt_opensOpensslCiphertexts() throws Exception {
    OpenSsl ssl = OpenSsl.require();
    String usage = "ASYMMETRIC_DECRYPT_SM2";
    ssl.write("pub.pem", publicKey(usage).getPublicKeyPem());
    byte[] pt = "test".getBytes(StandardCharsets.UTF_8);
    ssl.write("pt", pt);
    ssl.ok("pkeyutl", "-encrypt", "-pubin", "-inkey", "pub.pem", "-in", "pt", "-out", "ct");
    AsymmetricSm2DecryptRequest r = new AsymmetricSm2DecryptRequest();
    r.setKeyId(KEYS.get(usage));
    r.setCiphertext(b64(ssl.read("ct")));
    assertThat(unb64(kms.AsymmetricSm2Decrypt(r).getPlaintext())).isEqualTo(pt);

    byte[] tampered = ssl.read("ct");
    tampered[tampered.length - 1] ^= 1;
    r.setCiphertext(b64(tampered));
    assertThat(code(() -> kms.AsymmetricSm2Decrypt(r))).isEqualTo("FailedOperation.DecryptError");
    r.setCiphertext(b64(new byte[120]));
    assertThat(code(() -> kms.AsymmetricSm2Decrypt(r))).isEqualTo("FailedOperation.DecryptError");
    r.setCiphertext(b64(new byte[257]));
    assertThat(code(() -> kms.AsymmetricSm2Decrypt(r))).isEqualTo("InvalidParameter");
  }

  /** openssl's {@code pkeyutl} options of each RSA EncryptionAlgorithm. */
  static final Map<String, String[]> RSA_PKEYOPTS =
      Map.of(
          "RSAES_PKCS1_V1_5", new String[] {"-pkeyopt", "rsa_padding_mode:pkcs1"},
          "RSAES_OAEP_SHA_1",
              new String[] {"-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha1"},
          "RSAES_OAEP_SHA_256",
              new String[] {"-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256"});

  /**
   * What {@code openssl pkeyutl -decrypt} opens of {@code ciphertext}, made with the
   * EncryptionAlgorithm {@code algorithm} (null: the default SM2) to the RSA key {@code rsa.pem} or
   * the SM2 key {@code sm2.pem} of {@code ssl}'s directory. SM2_C1C3C2_ASN1 is OpenSSL's own form;
   * the raw SM2 one (C1C3C2 with its 04, 97 bytes more than the plaintext) is turned into it first.
   */
  static byte[] opensslOpens(OpenSsl ssl, String algorithm, byte[] ciphertext, int plaintextLength)
      throws Exception {
    List<String> args =
        new java.util.ArrayList<>(List.of("pkeyutl", "-decrypt", "-in", "ct", "-out", "pt"));
    if (algorithm != null && RSA_PKEYOPTS.containsKey(algorithm)) {
      args.addAll(List.of("-inkey", "rsa.pem"));
      args.addAll(List.of(RSA_PKEYOPTS.get(algorithm)));
    } else {
      args.addAll(List.of("-inkey", "sm2.pem"));
      if (!"SM2_C1C3C2_ASN1".equals(algorithm)) {
        assertThat(ciphertext).hasSize(97 + plaintextLength);
        assertThat(ciphertext[0]).isEqualTo((byte) 0x04);
        ciphertext = rawToDer(ciphertext);
      }
    }
    ssl.write("ct", ciphertext);
    ssl.ok(args.toArray(String[]::new));
    return ssl.read("pt");
  }

  @Test
  void encryptionPublicKey_outputsOpenWithOpenssl_everyAlgorithm() throws Exception {
    OpenSsl ssl = OpenSsl.require();
    ssl.ok("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.pem");
    ssl.ok("pkey", "-in", "rsa.pem", "-pubout", "-out", "rsapub.pem");
    ssl.ok("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", "sm2.pem");
    ssl.ok("pkey", "-in", "sm2.pem", "-pubout", "-out", "sm2pub.pem");
    String rsaPub = new String(ssl.read("rsapub.pem"), StandardCharsets.US_ASCII);
    String sm2Pub = new String(ssl.read("sm2pub.pem"), StandardCharsets.US_ASCII);

    EncryptRequest enc = new EncryptRequest();
    enc.setKeyId(symmetricKey());
    byte[] secret = "the plaintext to hand over".getBytes(StandardCharsets.UTF_8);
    enc.setPlaintext(b64(secret));
    String blob = kms.Encrypt(enc).getCiphertextBlob();

    // Every EncryptionAlgorithm (null: none given, the default SM2), to a key of its kind: what
    // Decrypt answers opens to the plaintext, what GenerateDataKey answers to the data key that its
    // CiphertextBlob decrypts to.
    for (String alg :
        Arrays.asList(
            "RSAES_PKCS1_V1_5",
            "RSAES_OAEP_SHA_1",
            "RSAES_OAEP_SHA_256",
            "SM2_C1C3C2_ASN1",
            "SM2",
            null)) {
      String pub =
          RSA_PKEYOPTS.containsKey(String.valueOf(alg)) ? rsaPub : sm2Pub.replace("\n", " ");
      DecryptRequest d = new DecryptRequest();
      d.setCiphertextBlob(blob);
      d.setEncryptionPublicKey(pub);
      GenerateDataKeyRequest gdk = new GenerateDataKeyRequest();
      gdk.setKeyId(symmetricKey());
      gdk.setKeySpec("AES_256");
      gdk.setEncryptionPublicKey(pub);
      if (alg != null) {
        d.setEncryptionAlgorithm(alg);
        gdk.setEncryptionAlgorithm(alg);
      }
      assertThat(opensslOpens(ssl, alg, unb64(kms.Decrypt(d).getPlaintext()), secret.length))
          .as("Decrypt " + alg)
          .isEqualTo(secret);

      GenerateDataKeyResponse dk = kms.GenerateDataKey(gdk);
      DecryptRequest back = new DecryptRequest();
      back.setCiphertextBlob(dk.getCiphertextBlob());
      byte[] dataKey = unb64(kms.Decrypt(back).getPlaintext());
      assertThat(dataKey).hasSize(32);
      assertThat(opensslOpens(ssl, alg, unb64(dk.getPlaintext()), dataKey.length))
          .as("GenerateDataKey " + alg)
          .isEqualTo(dataKey);
    }

    // A data key too long for the caller's key, a key of the wrong kind, no key at all.
    GenerateDataKeyRequest tooLong = new GenerateDataKeyRequest();
    tooLong.setKeyId(symmetricKey());
    tooLong.setNumberOfBytes(1024L);
    tooLong.setEncryptionPublicKey(rsaPub);
    tooLong.setEncryptionAlgorithm("RSAES_OAEP_SHA_256");
    assertThat(code(() -> kms.GenerateDataKey(tooLong))).isEqualTo("InvalidParameter");
    DecryptRequest wrongKind = new DecryptRequest();
    wrongKind.setCiphertextBlob(blob);
    wrongKind.setEncryptionPublicKey(sm2Pub);
    wrongKind.setEncryptionAlgorithm("RSAES_OAEP_SHA_1");
    assertThat(code(() -> kms.Decrypt(wrongKind))).isEqualTo("InvalidParameter");
    DecryptRequest garbage = new DecryptRequest();
    garbage.setCiphertextBlob(blob);
    garbage.setEncryptionPublicKey(
        "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----");
    assertThat(code(() -> kms.Decrypt(garbage))).isEqualTo("InvalidParameter");
    DecryptRequest badAlgorithm = new DecryptRequest();
    badAlgorithm.setCiphertextBlob(blob);
    badAlgorithm.setEncryptionPublicKey(rsaPub);
    badAlgorithm.setEncryptionAlgorithm("RSA_NONE");
    assertThat(code(() -> kms.Decrypt(badAlgorithm))).isEqualTo("InvalidParameter");
  }

  @Test
  void misuse_answersTheDocumentedCodes() throws Exception {
    String symmetric = symmetricKey();
    // A symmetric key to sign; an asymmetric key to Encrypt; a signing key to decrypt.
    SignByAsymmetricKeyRequest s = new SignByAsymmetricKeyRequest();
    s.setKeyId(symmetric);
    s.setAlgorithm("ECC_P256_R1");
    s.setMessage(b64(MESSAGE));
    assertThat(code(() -> kms.SignByAsymmetricKey(s)))
        .isEqualTo("InvalidParameterValue.InvalidKeyUsage");
    EncryptRequest e = new EncryptRequest();
    e.setKeyId(KEYS.get("ASYMMETRIC_DECRYPT_RSA_2048"));
    e.setPlaintext(b64(MESSAGE));
    assertThat(code(() -> kms.Encrypt(e))).isEqualTo("InvalidParameterValue.InvalidKeyUsage");
    GenerateDataKeyRequest g = new GenerateDataKeyRequest();
    g.setKeyId(KEYS.get("ASYMMETRIC_SIGN_VERIFY_SM2"));
    g.setKeySpec("AES_128");
    assertThat(code(() -> kms.GenerateDataKey(g)))
        .isEqualTo("InvalidParameterValue.InvalidKeyUsage");
    AsymmetricRsaDecryptRequest d = new AsymmetricRsaDecryptRequest();
    d.setKeyId(KEYS.get("ASYMMETRIC_SIGN_VERIFY_RSA_2048"));
    d.setAlgorithm("RSAES_OAEP_SHA_256");
    d.setCiphertext(b64(new byte[256]));
    assertThat(code(() -> kms.AsymmetricRsaDecrypt(d)))
        .isEqualTo("InvalidParameterValue.InvalidKeyUsage");
    AsymmetricSm2DecryptRequest d2 = new AsymmetricSm2DecryptRequest();
    d2.setKeyId(KEYS.get("ASYMMETRIC_DECRYPT_RSA_2048"));
    d2.setCiphertext(b64(new byte[120]));
    assertThat(code(() -> kms.AsymmetricSm2Decrypt(d2)))
        .isEqualTo("InvalidParameterValue.InvalidKeyUsage");
    // An algorithm of another key, a DIGEST of the wrong length, an unknown algorithm.
    assertThat(code(() -> sign("ASYMMETRIC_SIGN_VERIFY_RSA_2048", "ECC_P256_R1", MESSAGE, null)))
        .isEqualTo("InvalidParameter");
    assertThat(
            code(
                () ->
                    sign(
                        "ASYMMETRIC_SIGN_VERIFY_ECDSA384",
                        "ECDSA384_SHA384",
                        new byte[32],
                        "DIGEST")))
        .isEqualTo("InvalidParameter");
    assertThat(
            code(() -> sign("ASYMMETRIC_SIGN_VERIFY_ECC", "ECC_P256_R1", new byte[31], "DIGEST")))
        .isEqualTo("InvalidParameter");
    assertThat(code(() -> sign("ASYMMETRIC_SIGN_VERIFY_ECC", "DSA", MESSAGE, null)))
        .isEqualTo("InvalidParameter");
    assertThat(code(() -> sign("ASYMMETRIC_SIGN_VERIFY_ECC", "ECC_P256_R1", MESSAGE, "HASH")))
        .isEqualTo("InvalidParameter");
    assertThat(code(() -> sign("ASYMMETRIC_SIGN_VERIFY_ECC", "ECC_P256_R1", new byte[4097], null)))
        .isEqualTo("InvalidParameter");
    AsymmetricRsaDecryptRequest badScheme = new AsymmetricRsaDecryptRequest();
    badScheme.setKeyId(KEYS.get("ASYMMETRIC_DECRYPT_RSA_2048"));
    badScheme.setAlgorithm("SM2");
    badScheme.setCiphertext(b64(new byte[256]));
    assertThat(code(() -> kms.AsymmetricRsaDecrypt(badScheme))).isEqualTo("InvalidParameter");
    // Rotation does not apply to asymmetric keys.
    EnableKeyRotationRequest rotate = new EnableKeyRotationRequest();
    rotate.setKeyId(KEYS.get("ASYMMETRIC_SIGN_VERIFY_ECC"));
    assertThat(code(() -> kms.EnableKeyRotation(rotate))).isEqualTo("UnsupportedOperation");
    // ... nor rotation on demand (RotateKey is not in this SDK version: the raw TC3 client).
    io.vertx.core.json.JsonObject rotated =
        server
            .bootstrapV3Client()
            .call(
                "RotateKey",
                new io.vertx.core.json.JsonObject()
                    .put("KeyId", KEYS.get("ASYMMETRIC_SIGN_VERIFY_ECC")));
    assertThat(V3Client.code(rotated)).isEqualTo("UnsupportedOperation.RotateNotSupported");
    // GetPublicKey of a symmetric key.
    GetPublicKeyRequest pk = new GetPublicKeyRequest();
    pk.setKeyId(symmetric);
    assertThat(code(() -> kms.GetPublicKey(pk))).isEqualTo("InvalidParameterValue.InvalidKeyUsage");
  }

  /** VerifyByAsymmetricKey of a key id, through the SDK, answering SignatureValid. */
  static boolean verifyWith(
      String keyId, String algorithm, byte[] message, String type, String signature)
      throws Exception {
    VerifyByAsymmetricKeyRequest r = new VerifyByAsymmetricKeyRequest();
    r.setKeyId(keyId);
    r.setAlgorithm(algorithm);
    r.setMessage(b64(message));
    r.setSignatureValue(signature);
    if (type != null) {
      r.setMessageType(type);
    }
    return kms.VerifyByAsymmetricKey(r).getSignatureValid();
  }

  @Test
  void keyPairActions_answerInvalidKeyIdAndCmkNotFound() throws Exception {
    String signature = sign("ASYMMETRIC_SIGN_VERIFY_ECC", "ECC_P256_R1", MESSAGE, null);
    KmsClient shanghai = server.sdkClient("ap-shanghai");
    // Each action well formed but for its key id; the client is the region's.
    Map<String, java.util.function.BiFunction<KmsClient, String, ThrowingCall>> actions =
        new java.util.LinkedHashMap<>();
    actions.put(
        "GetPublicKey",
        (client, id) ->
            () -> {
              GetPublicKeyRequest r = new GetPublicKeyRequest();
              r.setKeyId(id);
              client.GetPublicKey(r);
            });
    actions.put(
        "SignByAsymmetricKey",
        (client, id) ->
            () -> {
              SignByAsymmetricKeyRequest r = new SignByAsymmetricKeyRequest();
              r.setKeyId(id);
              r.setAlgorithm("ECC_P256_R1");
              r.setMessage(b64(MESSAGE));
              client.SignByAsymmetricKey(r);
            });
    actions.put(
        "VerifyByAsymmetricKey",
        (client, id) ->
            () -> {
              VerifyByAsymmetricKeyRequest r = new VerifyByAsymmetricKeyRequest();
              r.setKeyId(id);
              r.setAlgorithm("ECC_P256_R1");
              r.setMessage(b64(MESSAGE));
              r.setSignatureValue(signature);
              client.VerifyByAsymmetricKey(r);
            });
    actions.put(
        "AsymmetricRsaDecrypt",
        (client, id) ->
            () -> {
              AsymmetricRsaDecryptRequest r = new AsymmetricRsaDecryptRequest();
              r.setKeyId(id);
              r.setAlgorithm("RSAES_OAEP_SHA_256");
              r.setCiphertext(b64(new byte[256]));
              client.AsymmetricRsaDecrypt(r);
            });
    actions.put(
        "AsymmetricSm2Decrypt",
        (client, id) ->
            () -> {
              AsymmetricSm2DecryptRequest r = new AsymmetricSm2DecryptRequest();
              r.setKeyId(id);
              r.setCiphertext(b64(new byte[120]));
              client.AsymmetricSm2Decrypt(r);
            });
    Map<String, String> ownKey =
        Map.of(
            "GetPublicKey", KEYS.get("ASYMMETRIC_SIGN_VERIFY_ECC"),
            "SignByAsymmetricKey", KEYS.get("ASYMMETRIC_SIGN_VERIFY_ECC"),
            "VerifyByAsymmetricKey", KEYS.get("ASYMMETRIC_SIGN_VERIFY_ECC"),
            "AsymmetricRsaDecrypt", KEYS.get("ASYMMETRIC_DECRYPT_RSA_2048"),
            "AsymmetricSm2Decrypt", KEYS.get("ASYMMETRIC_DECRYPT_SM2"));
    for (var a : actions.entrySet()) {
      String action = a.getKey();
      for (String malformed :
          List.of("k1", "1-1-1-1-1", KEYS.get("ASYMMETRIC_DECRYPT_SM2") + "0")) {
        assertThat(code(a.getValue().apply(kms, malformed)))
            .as(action + " " + malformed)
            .isEqualTo("InvalidParameterValue.InvalidKeyId");
      }
      assertThat(code(a.getValue().apply(kms, "00000000-0000-4000-8000-000000000000")))
          .as(action)
          .isEqualTo("ResourceUnavailable.CmkNotFound");
      // A key of the right usage, but of another region: not found either.
      assertThat(code(a.getValue().apply(shanghai, ownKey.get(action))))
          .as(action + " from another region")
          .isEqualTo("ResourceUnavailable.CmkNotFound");
    }
  }

  @Test
  void verify_refusesWhatItCannotCheck_withTheDocumentedCodes() throws Exception {
    String ecc = KEYS.get("ASYMMETRIC_SIGN_VERIFY_ECC");
    String signature = sign("ASYMMETRIC_SIGN_VERIFY_ECC", "ECC_P256_R1", MESSAGE, null);
    assertThat(verifyWith(ecc, "ECC_P256_R1", MESSAGE, null, signature)).isTrue();

    // A key that does not sign, even with the algorithm of its own kind.
    Map<String, String> notSigning =
        Map.of(
            symmetricKey(), "ECC_P256_R1",
            KEYS.get("ASYMMETRIC_DECRYPT_RSA_2048"), "RSA_PKCS1_SHA_256",
            KEYS.get("ASYMMETRIC_DECRYPT_SM2"), "SM2DSA");
    for (var k : notSigning.entrySet()) {
      assertThat(code(() -> verifyWith(k.getKey(), k.getValue(), MESSAGE, null, signature)))
          .as(k.getValue())
          .isEqualTo("InvalidParameterValue.InvalidKeyUsage");
    }

    // Every algorithm of another signing key.
    Map<String, String> algorithmUsage =
        Map.of(
            "SM2DSA", "ASYMMETRIC_SIGN_VERIFY_SM2",
            "ECC_P256_R1", "ASYMMETRIC_SIGN_VERIFY_ECC",
            "ECDSA384_SHA384", "ASYMMETRIC_SIGN_VERIFY_ECDSA384",
            "RSA_PSS_SHA_256", "ASYMMETRIC_SIGN_VERIFY_RSA_2048",
            "RSA_PKCS1_SHA_256", "ASYMMETRIC_SIGN_VERIFY_RSA_2048");
    int mismatches = 0;
    for (String usage : new java.util.TreeSet<>(algorithmUsage.values())) {
      for (var a : algorithmUsage.entrySet()) {
        if (!a.getValue().equals(usage)) {
          assertThat(code(() -> verifyWith(KEYS.get(usage), a.getKey(), MESSAGE, null, signature)))
              .as(a.getKey() + " with " + usage)
              .isEqualTo("InvalidParameter");
          mismatches++;
        }
      }
    }
    assertThat(mismatches).isEqualTo(15);

    // A DIGEST of the wrong length: 32 bytes, 48 for ECDSA384_SHA384.
    record Digest(String usage, String algorithm, int length) {}
    for (Digest d :
        List.of(
            new Digest("ASYMMETRIC_SIGN_VERIFY_ECC", "ECC_P256_R1", 31),
            new Digest("ASYMMETRIC_SIGN_VERIFY_ECC", "ECC_P256_R1", 48),
            new Digest("ASYMMETRIC_SIGN_VERIFY_ECDSA384", "ECDSA384_SHA384", 32),
            new Digest("ASYMMETRIC_SIGN_VERIFY_ECDSA384", "ECDSA384_SHA384", 64),
            new Digest("ASYMMETRIC_SIGN_VERIFY_RSA_2048", "RSA_PSS_SHA_256", 48),
            new Digest("ASYMMETRIC_SIGN_VERIFY_RSA_2048", "RSA_PKCS1_SHA_256", 20),
            new Digest("ASYMMETRIC_SIGN_VERIFY_SM2", "SM2DSA", 33))) {
      assertThat(
              code(
                  () ->
                      verify(d.usage(), d.algorithm(), new byte[d.length()], "DIGEST", signature)))
          .as(d.toString())
          .isEqualTo("InvalidParameter");
    }

    // A SignatureValue that is not base64, or longer than an RSA-4096 block (512 bytes).
    for (String bad : List.of("***", "not base64!", b64(new byte[513]))) {
      assertThat(code(() -> verifyWith(ecc, "ECC_P256_R1", MESSAGE, null, bad)))
          .as(bad.length() > 20 ? "513 bytes" : bad)
          .isEqualTo("InvalidParameter");
    }
    // No SignatureValue at all; an empty one.
    assertThat(code(() -> verifyWith(ecc, "ECC_P256_R1", MESSAGE, null, null)))
        .isEqualTo("MissingParameter");
    assertThat(code(() -> verifyWith(ecc, "ECC_P256_R1", MESSAGE, null, "")))
        .isEqualTo("MissingParameter");
    // An unknown algorithm or MessageType, a RAW message too long.
    assertThat(code(() -> verifyWith(ecc, "DSA", MESSAGE, null, signature)))
        .isEqualTo("InvalidParameter");
    assertThat(code(() -> verifyWith(ecc, "ECC_P256_R1", MESSAGE, "HASH", signature)))
        .isEqualTo("InvalidParameter");
    assertThat(code(() -> verifyWith(ecc, "ECC_P256_R1", new byte[4097], null, signature)))
        .isEqualTo("InvalidParameter");
    // ... and the longest RAW message is fine.
    String longest = sign("ASYMMETRIC_SIGN_VERIFY_ECC", "ECC_P256_R1", new byte[4096], null);
    assertThat(verifyWith(ecc, "ECC_P256_R1", new byte[4096], null, longest)).isTrue();
  }

  /** A lifecycle action of the SDK on a key. */
  static void move(String action, String keyId) throws Exception {
    switch (action) {
      case "DisableKey" -> {
        DisableKeyRequest r = new DisableKeyRequest();
        r.setKeyId(keyId);
        kms.DisableKey(r);
      }
      case "EnableKey" -> {
        EnableKeyRequest r = new EnableKeyRequest();
        r.setKeyId(keyId);
        kms.EnableKey(r);
      }
      case "ScheduleKeyDeletion" -> {
        ScheduleKeyDeletionRequest r = new ScheduleKeyDeletionRequest();
        r.setKeyId(keyId);
        r.setPendingWindowInDays(7L);
        kms.ScheduleKeyDeletion(r);
      }
      case "CancelKeyDeletion" -> {
        CancelKeyDeletionRequest r = new CancelKeyDeletionRequest();
        r.setKeyId(keyId);
        kms.CancelKeyDeletion(r);
      }
      case "ArchiveKey" -> {
        ArchiveKeyRequest r = new ArchiveKeyRequest();
        r.setKeyId(keyId);
        kms.ArchiveKey(r);
      }
      case "CancelKeyArchive" -> {
        CancelKeyArchiveRequest r = new CancelKeyArchiveRequest();
        r.setKeyId(keyId);
        kms.CancelKeyArchive(r);
      }
      default -> throw new IllegalArgumentException(action);
    }
  }

  static String state(String keyId) throws Exception {
    DescribeKeyRequest d = new DescribeKeyRequest();
    d.setKeyId(keyId);
    return kms.DescribeKey(d).getKeyMetadata().getKeyState();
  }

  /**
   * {@code plaintext} encrypted to an RSA SPKI with RSAES_OAEP_SHA_256 (MGF1-SHA-256), by the JDK.
   */
  static byte[] rsaOaepSha256(byte[] spki, byte[] plaintext) throws Exception {
    java.security.PublicKey pub =
        java.security.KeyFactory.getInstance("RSA")
            .generatePublic(new java.security.spec.X509EncodedKeySpec(spki));
    javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("RSA/ECB/OAEPPadding");
    c.init(
        javax.crypto.Cipher.ENCRYPT_MODE,
        pub,
        new javax.crypto.spec.OAEPParameterSpec(
            "SHA-256",
            "MGF1",
            java.security.spec.MGF1ParameterSpec.SHA256,
            javax.crypto.spec.PSource.PSpecified.DEFAULT));
    return c.doFinal(plaintext);
  }

  /** {@code plaintext} encrypted to an SM2 SPKI, DER C1C3C2, by BouncyCastle's SM2Engine. */
  static byte[] sm2Der(byte[] spki, byte[] plaintext) throws Exception {
    org.bouncycastle.crypto.engines.SM2Engine e =
        new org.bouncycastle.crypto.engines.SM2Engine(
            org.bouncycastle.crypto.engines.SM2Engine.Mode.C1C3C2);
    e.init(
        true,
        new org.bouncycastle.crypto.params.ParametersWithRandom(
            org.bouncycastle.crypto.util.PublicKeyFactory.createKey(spki),
            new java.security.SecureRandom()));
    return rawToDer(e.processBlock(plaintext, 0, plaintext.length));
  }

  /**
   * The state table's USE_KEY_PAIR column through the API: keys of their own taken through every
   * state an asymmetric key can be in (never PendingImport: an asymmetric key cannot be EXTERNAL; a
   * purged key is not found), each of the five key-pair actions answering in each. A key of the
   * wrong usage answers InvalidKeyUsage whatever its state: the usage is checked first.
   */
  @Test
  void everyKeyPairAction_worksOnlyWhileTheKeyIsEnabled() throws Exception {
    // A P-384 signing key: describeAndList_showTheUsageAndType expects the only P-256 one.
    Map<String, String> key = new java.util.LinkedHashMap<>();
    for (String usage :
        List.of(
            "ASYMMETRIC_SIGN_VERIFY_ECDSA384",
            "ASYMMETRIC_DECRYPT_RSA_2048",
            "ASYMMETRIC_DECRYPT_SM2")) {
      CreateKeyRequest create = new CreateKeyRequest();
      create.setAlias("asym-states-" + usage.toLowerCase().replace('_', '-'));
      create.setKeyUsage(usage);
      key.put(usage, kms.CreateKey(create).getKeyId());
    }
    String signer = key.get("ASYMMETRIC_SIGN_VERIFY_ECDSA384");
    String rsa = key.get("ASYMMETRIC_DECRYPT_RSA_2048");
    String sm2 = key.get("ASYMMETRIC_DECRYPT_SM2");
    Map<String, byte[]> spki = new HashMap<>();
    for (String id : key.values()) {
      GetPublicKeyRequest r = new GetPublicKeyRequest();
      r.setKeyId(id);
      spki.put(id, unb64(kms.GetPublicKey(r).getPublicKey()));
    }
    byte[] secret = "opened only while Enabled".getBytes(StandardCharsets.UTF_8);
    byte[] rsaCiphertext = rsaOaepSha256(spki.get(rsa), secret);
    byte[] sm2Ciphertext = sm2Der(spki.get(sm2), secret);
    SignByAsymmetricKeyRequest sign = new SignByAsymmetricKeyRequest();
    sign.setKeyId(signer);
    sign.setAlgorithm("ECDSA384_SHA384");
    sign.setMessage(b64(MESSAGE));
    String signature = kms.SignByAsymmetricKey(sign).getSignature();

    // Each action well formed for its key; each asserts its answer when it is answered.
    Map<String, ThrowingCall> actions = new java.util.LinkedHashMap<>();
    for (var k : key.entrySet()) {
      actions.put(
          "GetPublicKey " + k.getKey(),
          () -> {
            GetPublicKeyRequest r = new GetPublicKeyRequest();
            r.setKeyId(k.getValue());
            assertThat(unb64(kms.GetPublicKey(r).getPublicKey())).isEqualTo(spki.get(k.getValue()));
          });
    }
    actions.put(
        "SignByAsymmetricKey",
        () -> {
          java.security.Signature v = java.security.Signature.getInstance("SHA384withECDSA");
          v.initVerify(
              java.security.KeyFactory.getInstance("EC")
                  .generatePublic(new java.security.spec.X509EncodedKeySpec(spki.get(signer))));
          v.update(MESSAGE);
          assertThat(v.verify(unb64(kms.SignByAsymmetricKey(sign).getSignature()))).isTrue();
        });
    actions.put(
        "VerifyByAsymmetricKey",
        () -> assertThat(verifyWith(signer, "ECDSA384_SHA384", MESSAGE, null, signature)).isTrue());
    actions.put(
        "AsymmetricRsaDecrypt",
        () -> {
          AsymmetricRsaDecryptRequest r = new AsymmetricRsaDecryptRequest();
          r.setKeyId(rsa);
          r.setAlgorithm("RSAES_OAEP_SHA_256");
          r.setCiphertext(b64(rsaCiphertext));
          assertThat(unb64(kms.AsymmetricRsaDecrypt(r).getPlaintext())).isEqualTo(secret);
        });
    actions.put(
        "AsymmetricSm2Decrypt",
        () -> {
          AsymmetricSm2DecryptRequest r = new AsymmetricSm2DecryptRequest();
          r.setKeyId(sm2);
          r.setCiphertext(b64(sm2Ciphertext));
          assertThat(unb64(kms.AsymmetricSm2Decrypt(r).getPlaintext())).isEqualTo(secret);
        });

    // The same keys asked for what their usage does not do.
    Map<String, ThrowingCall> wrongUsage = new java.util.LinkedHashMap<>();
    wrongUsage.put(
        "SignByAsymmetricKey with the RSA decryption key",
        () -> {
          SignByAsymmetricKeyRequest r = new SignByAsymmetricKeyRequest();
          r.setKeyId(rsa);
          r.setAlgorithm("RSA_PKCS1_SHA_256");
          r.setMessage(b64(MESSAGE));
          kms.SignByAsymmetricKey(r);
        });
    wrongUsage.put(
        "VerifyByAsymmetricKey with the SM2 decryption key",
        () -> verifyWith(sm2, "SM2DSA", MESSAGE, null, signature));
    wrongUsage.put(
        "AsymmetricRsaDecrypt with the signing key",
        () -> {
          AsymmetricRsaDecryptRequest r = new AsymmetricRsaDecryptRequest();
          r.setKeyId(signer);
          r.setAlgorithm("RSAES_OAEP_SHA_256");
          r.setCiphertext(b64(rsaCiphertext));
          kms.AsymmetricRsaDecrypt(r);
        });
    wrongUsage.put(
        "AsymmetricRsaDecrypt with the SM2 decryption key",
        () -> {
          AsymmetricRsaDecryptRequest r = new AsymmetricRsaDecryptRequest();
          r.setKeyId(sm2);
          r.setAlgorithm("RSAES_OAEP_SHA_256");
          r.setCiphertext(b64(rsaCiphertext));
          kms.AsymmetricRsaDecrypt(r);
        });
    wrongUsage.put(
        "AsymmetricSm2Decrypt with the RSA decryption key",
        () -> {
          AsymmetricSm2DecryptRequest r = new AsymmetricSm2DecryptRequest();
          r.setKeyId(rsa);
          r.setCiphertext(b64(sm2Ciphertext));
          kms.AsymmetricSm2Decrypt(r);
        });

    // The state each row reaches, the lifecycle actions that take every key there, the refusal.
    record Row(String state, List<String> moves, String refusal) {}
    String notEnabled = "ResourceUnavailable.CmkStateNotSupport";
    List<Row> table =
        List.of(
            new Row("Enabled", List.of(), null),
            new Row("Disabled", List.of("DisableKey"), notEnabled),
            new Row("PendingDelete", List.of("ScheduleKeyDeletion"), notEnabled),
            new Row(
                "Archived", List.of("CancelKeyDeletion", "EnableKey", "ArchiveKey"), notEnabled),
            new Row("Enabled", List.of("CancelKeyArchive"), null));
    for (Row row : table) {
      for (String id : key.values()) {
        for (String m : row.moves()) {
          move(m, id);
        }
        assertThat(state(id)).isEqualTo(row.state());
      }
      for (var a : actions.entrySet()) {
        if (row.refusal() == null) {
          a.getValue().run();
        } else {
          assertThat(code(a.getValue()))
              .as(a.getKey() + " in " + row.state())
              .isEqualTo(row.refusal());
        }
      }
      for (var w : wrongUsage.entrySet()) {
        assertThat(code(w.getValue()))
            .as(w.getKey() + " in " + row.state())
            .isEqualTo("InvalidParameterValue.InvalidKeyUsage");
      }
    }
  }

  @Test
  void aKeyPair_survivesARootKeyRotationAndTheRewrap() throws Exception {
    CreateKeyRequest create = new CreateKeyRequest();
    create.setAlias("asym-rewrapped");
    create.setKeyUsage("ASYMMETRIC_SIGN_VERIFY_SM2");
    String keyId = kms.CreateKey(create).getKeyId();
    SignByAsymmetricKeyRequest s = new SignByAsymmetricKeyRequest();
    s.setKeyId(keyId);
    s.setAlgorithm("SM2DSA");
    s.setMessage(b64(MESSAGE));
    String before = kms.SignByAsymmetricKey(s).getSignature();

    int next =
        server
            .admin("POST", "/admin/v1/root-key/rotate", new io.vertx.core.json.JsonObject())
            .getInteger("currentVersion");
    io.tkms.testing.Eventually.eventually(
        java.time.Duration.ofSeconds(30),
        () -> {
          io.vertx.core.json.JsonObject st = server.admin("GET", "/admin/v1/root-key", null);
          for (Object v : st.getJsonArray("versions")) {
            io.vertx.core.json.JsonObject version = (io.vertx.core.json.JsonObject) v;
            if (version.getInteger("version") != next) {
              assertThat(version.getLong("keyVersions")).isZero();
            }
          }
        });
    // Drop the cached key pair: the next use unwraps the re-wrapped PKCS#8.
    DisableKeyRequest dis = new DisableKeyRequest();
    dis.setKeyId(keyId);
    kms.DisableKey(dis);
    EnableKeyRequest en = new EnableKeyRequest();
    en.setKeyId(keyId);
    kms.EnableKey(en);
    VerifyByAsymmetricKeyRequest v = new VerifyByAsymmetricKeyRequest();
    v.setKeyId(keyId);
    v.setAlgorithm("SM2DSA");
    v.setMessage(b64(MESSAGE));
    v.setSignatureValue(before);
    assertThat(kms.VerifyByAsymmetricKey(v).getSignatureValid()).isTrue();
    v.setSignatureValue(kms.SignByAsymmetricKey(s).getSignature());
    assertThat(kms.VerifyByAsymmetricKey(v).getSignatureValid()).isTrue();
  }

  static String symmetric;

  static synchronized String symmetricKey() throws Exception {
    if (symmetric == null) {
      CreateKeyRequest create = new CreateKeyRequest();
      create.setAlias("asym-symmetric");
      symmetric = kms.CreateKey(create).getKeyId();
    }
    return symmetric;
  }

  /** DER {@code SEQUENCE {x, y, C3, C2}} of a raw {@code 04 || X || Y || C3 || C2}. */
  static byte[] rawToDer(byte[] raw) throws Exception {
    ASN1EncodableVector v = new ASN1EncodableVector();
    v.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 1, 33))));
    v.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 33, 65))));
    v.add(new DEROctetString(Arrays.copyOfRange(raw, 65, 97)));
    v.add(new DEROctetString(Arrays.copyOfRange(raw, 97, raw.length)));
    return new DERSequence(v).getEncoded("DER");
  }
}
