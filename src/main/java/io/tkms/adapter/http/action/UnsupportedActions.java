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
    // Post-quantum algorithms.
    crypto(
        out,
        "PostQuantumCryptoEncrypt",
        "PostQuantumCryptoDecrypt",
        "PostQuantumCryptoSign",
        "PostQuantumCryptoVerify");
    // Cloud resource bindings.
    management(out, "BindCloudResource", "UnbindCloudResource");
    // White-box keys.
    management(
        out,
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
    crypto(out, "EncryptByWhiteBox");
    // Data keys hosted by KMS.
    management(
        out,
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

  private static void management(List<Action> out, String... names) {
    for (String n : names) {
      out.add(Action.unsupported(Group.MANAGEMENT, n));
    }
  }

  private static void crypto(List<Action> out, String... names) {
    for (String n : names) {
      out.add(Action.unsupported(Group.CRYPTO, n));
    }
  }
}
