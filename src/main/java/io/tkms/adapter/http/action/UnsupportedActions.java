package io.tkms.adapter.http.action;

import io.tkms.application.port.RateLimiter.Group;
import java.util.ArrayList;
import java.util.List;

/**
 * Tencent API 3.0 actions this server does not build (yet): declared so that they answer
 * UNSUPPORTED_OPERATION (never a silent success, never InvalidAction) and keep their own metrics
 * label. Building one means moving it into its family with inputs, outputs and a handler.
 */
final class UnsupportedActions {
  private UnsupportedActions() {}

  static final List<Action> ALL = all();

  private static List<Action> all() {
    List<Action> out = new ArrayList<>();
    crypto(
        out,
        "Tencent documents neither the algorithms nor the formats of its post-quantum actions;"
            + " they wait for a public specification (and for FIPS 203/204 in the JDK)",
        "PostQuantumCryptoEncrypt",
        "PostQuantumCryptoDecrypt",
        "PostQuantumCryptoSign",
        "PostQuantumCryptoVerify");
    management(
        out,
        "binds keys to Tencent Cloud products, which do not exist outside Tencent Cloud",
        "BindCloudResource",
        "UnbindCloudResource");
    String whiteBox =
        "white-box keys need Tencent's proprietary white-box client library, whose formats are"
            + " not public";
    management(
        out,
        whiteBox,
        "CreateWhiteBoxKey",
        "CreateWhiteBoxKeys",
        "DeleteWhiteBoxKey",
        "DescribeWhiteBoxKey",
        "DescribeWhiteBoxKeyDetails",
        "DescribeWhiteBoxDecryptKey",
        "DescribeWhiteBoxServiceStatus",
        "DescribeWhiteBoxDeviceFingerprints",
        "OverwriteWhiteBoxDeviceFingerprints",
        "EnableWhiteBoxKey",
        "EnableWhiteBoxKeys",
        "DisableWhiteBoxKey",
        "DisableWhiteBoxKeys");
    crypto(out, whiteBox, "EncryptByWhiteBox");
    management(
        out,
        "data keys hosted by KMS are a separate product (keys kept server-side, their own quota"
            + " and lifecycle); envelope encryption with GenerateDataKey covers the same need",
        "ImportDataKey",
        "DescribeDataKey",
        "DescribeDataKeys",
        "ListDataKeys",
        "ListDataKeyDetail",
        "EnableDataKey",
        "EnableDataKeys",
        "DisableDataKey",
        "DisableDataKeys",
        "ScheduleDataKeyDeletion",
        "CancelDataKeyDeletion",
        "GetDataKeyPlaintext",
        "GetDataKeyCiphertextBlob",
        "UpdateDataKeyName",
        "UpdateDataKeyDescription");
    return List.copyOf(out);
  }

  /** Actions of one family, with why the family is not built. */
  private static void management(List<Action> out, String why, String... names) {
    for (String n : names) {
      out.add(Action.unsupported(Group.MANAGEMENT, n, why));
    }
  }

  private static void crypto(List<Action> out, String why, String... names) {
    for (String n : names) {
      out.add(Action.unsupported(Group.CRYPTO, n, why));
    }
  }
}
