package io.tkms.adapter.http.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.adapter.http.Protocol;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The standard catalog routes exactly the actions the server has always answered, by their wire
 * names.
 */
class ActionCatalogTest {
  static final ActionCatalog CATALOG = ActionCatalog.standard();

  static Set<String> names(Protocol p, boolean supported) {
    return CATALOG.actions().stream()
        .filter(a -> a.supported() == supported && a.wireName(p).isPresent())
        .map(a -> a.wireName(p).get())
        .collect(Collectors.toSet());
  }

  @Test
  void api2_routesItsElevenActions() {
    assertThat(names(Protocol.V2, true))
        .containsExactlyInAnyOrder(
            "CreateKey",
            "GetKeyAttributes",
            "SetKeyAttributes",
            "ListKey",
            "EnableKey",
            "DisableKey",
            "Encrypt",
            "Decrypt",
            "GenerateDataKey",
            "ScheduleKeyDeletion",
            "CancelKeyDeletion");
    assertThat(names(Protocol.V2, false)).isEmpty();
  }

  @Test
  void api3_routesEveryTencentAction_supportedOrNot() {
    assertThat(names(Protocol.V3, true))
        .containsExactlyInAnyOrder(
            "Encrypt",
            "Decrypt",
            "GenerateDataKey",
            "GenerateRandom",
            "ReEncrypt",
            "ScheduleKeyDeletion",
            "CancelKeyDeletion",
            "ArchiveKey",
            "CancelKeyArchive",
            "EnableKeyRotation",
            "DisableKeyRotation",
            "GetKeyRotationStatus",
            "RotateKey",
            "ListKeyRotationHistory",
            "DescribeKeyRotationHistory",
            "CreateKey",
            "DescribeKey",
            "DescribeKeys",
            "ListKeys",
            "ListKeyDetail",
            "UpdateAlias",
            "UpdateKeyDescription",
            "EnableKey",
            "DisableKey",
            "EnableKeys",
            "DisableKeys",
            "GetServiceStatus",
            "GetRegions",
            "ListAlgorithms",
            "GetPublicKey",
            "SignByAsymmetricKey",
            "VerifyByAsymmetricKey",
            "AsymmetricRsaDecrypt",
            "AsymmetricSm2Decrypt",
            "GetParametersForImport",
            "ImportKeyMaterial",
            "DeleteImportedKeyMaterial");
    assertThat(names(Protocol.V3, false))
        .hasSize(35)
        .contains(
            "BindCloudResource",
            "EncryptByWhiteBox",
            "GetDataKeyPlaintext",
            "CreateWhiteBoxKeys",
            "UnbindCloudResource");
  }

  @Test
  void groups_cryptoForTheCryptoActions_managementForTheRest() {
    Set<String> crypto =
        CATALOG.actions().stream()
            .filter(a -> a.supported() && a.group().name().equals("CRYPTO"))
            .map(Action::name)
            .collect(Collectors.toSet());
    assertThat(crypto)
        .containsExactlyInAnyOrder(
            "Encrypt", "Decrypt", "GenerateDataKey", "GenerateRandom", "ReEncrypt");
    Map<String, String> asymmetric =
        CATALOG.actions().stream()
            .filter(a -> a.supported() && !a.group().name().matches("CRYPTO|MANAGEMENT"))
            .collect(Collectors.toMap(Action::name, a -> a.group().name()));
    assertThat(asymmetric)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "SignByAsymmetricKey", "SIGN",
                "VerifyByAsymmetricKey", "VERIFY",
                "AsymmetricRsaDecrypt", "ASYMMETRIC_DECRYPT",
                "AsymmetricSm2Decrypt", "ASYMMETRIC_DECRYPT",
                "GetPublicKey", "PUBLIC_KEY"));
  }

  @Test
  void wireNames_areTheMetricsVocabulary_eachOnce() {
    List<String> names = CATALOG.wireNames();
    assertThat(names)
        .doesNotHaveDuplicates()
        .contains("GetKeyAttributes", "DescribeKey", "ListKey", "ListKeys", "RotateKey");
    assertThat(names)
        .hasSize(names(Protocol.V3, true).size() + names(Protocol.V3, false).size() + 3);
  }

  /**
   * The metrics vocabulary before the actions were declared one by one: every name stays a label.
   */
  static final List<String> OLD_LABELS =
      List.of(
          "CreateKey",
          "GetKeyAttributes",
          "SetKeyAttributes",
          "ListKey",
          "EnableKey",
          "DisableKey",
          "Encrypt",
          "Decrypt",
          "GenerateDataKey",
          "ScheduleKeyDeletion",
          "CancelKeyDeletion",
          "DescribeKey",
          "DescribeKeys",
          "ListKeys",
          "ListKeyDetail",
          "UpdateAlias",
          "UpdateKeyDescription",
          "EnableKeys",
          "DisableKeys",
          "ArchiveKey",
          "CancelKeyArchive",
          "EnableKeyRotation",
          "DisableKeyRotation",
          "GetKeyRotationStatus",
          "RotateKey",
          "GetServiceStatus",
          "GetRegions",
          "ListAlgorithms",
          "BindCloudResource",
          "UnbindCloudResource",
          "DescribeKeyRotationHistory",
          "ReEncrypt",
          "GenerateRandom",
          "GetParametersForImport",
          "ImportKeyMaterial",
          "DeleteImportedKeyMaterial",
          "GetPublicKey",
          "AsymmetricRsaDecrypt",
          "AsymmetricSm2Decrypt",
          "SignByAsymmetricKey",
          "VerifyByAsymmetricKey",
          "PostQuantumCryptoEncrypt",
          "PostQuantumCryptoDecrypt",
          "PostQuantumCryptoSign",
          "PostQuantumCryptoVerify",
          "CreateWhiteBoxKey",
          "DeleteWhiteBoxKey",
          "DescribeWhiteBoxKey",
          "DescribeWhiteBoxKeyDetails",
          "EnableWhiteBoxKey",
          "EnableWhiteBoxKeys",
          "DisableWhiteBoxKey",
          "DisableWhiteBoxKeys",
          "DescribeWhiteBoxDecryptKey",
          "DescribeWhiteBoxServiceStatus",
          "DescribeWhiteBoxDeviceFingerprints",
          "OverwriteWhiteBoxDeviceFingerprints",
          "EncryptByWhiteBox",
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

  @Test
  void wireNames_keepEveryOldMetricsLabel_plusTheTwoActionsItMissed() {
    assertThat(CATALOG.wireNames()).containsAll(OLD_LABELS);
    assertThat(CATALOG.wireNames())
        .hasSize(OLD_LABELS.size() + 2)
        .contains("CreateWhiteBoxKeys", "ListKeyRotationHistory");
  }

  @Test
  void aSecondDeclarationOfAName_isRefused() {
    Action twin = Action.management("DescribeKey").handler(c -> Future.succeededFuture(c.result()));
    assertThatThrownBy(() -> CATALOG.with(twin))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DescribeKey");
    Action clash =
        Action.management("Other").v2("ListKey").handler(c -> Future.succeededFuture(c.result()));
    assertThatThrownBy(() -> CATALOG.with(clash))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ListKey");
  }

  @Test
  void aFieldDeclaredTwiceInOneAction_isRefused() {
    assertThatThrownBy(
            () ->
                Action.management("Twice").inputs(Fields.KEY_ID, Fields.KEY_ID).handler(c -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KeyId");
  }
}
