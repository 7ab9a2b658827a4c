package io.tkms.adapter.http.action;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.adapter.http.Exchange;
import io.tkms.adapter.http.Pipeline;
import io.tkms.adapter.http.Protocol;
import io.tkms.application.Caller;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Decoding before the handler, for every action alike: order, audit key id, plaintext zeroing,
 * declared outputs.
 */
class DispatcherTest {
  static final String KEY = "23e80852-1e38-11e9-b129-5cb9019b4b01";
  static final Caller CALLER = new Caller("1250000001", "1250000001", "AKIDx", "ap-guangzhou");

  final List<byte[]> decodedSecrets = new ArrayList<>();
  final Field<byte[]> secret =
      Field.string("Secret")
          .required()
          .map(
              s -> {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                decodedSecrets.add(b);
                return b;
              });

  static Exchange exchange() {
    return new Exchange("req-1", System.nanoTime(), "127.0.0.1", Protocol.V3);
  }

  static Future<JsonObject> run(Action a, Exchange ex, Map<String, Object> input) {
    return new Dispatcher(ActionCatalog.standard(), new Pipeline(null), Protocol.V3)
        .run(a, ex, CALLER, input);
  }

  static ErrorCode failure(Future<?> f) {
    assertThat(f.failed()).as("failed").isTrue();
    return ((KmsException) f.cause()).code();
  }

  @Test
  void aLaterFieldsFailure_zeroesTheSecretsDecodedBeforeIt_andTheHandlerNeverRuns() {
    boolean[] ran = {false};
    Action a =
        Action.crypto("Seal")
            .inputs(secret, Fields.ENCRYPTION_CONTEXT)
            .handler(
                c -> {
                  ran[0] = true;
                  return Future.succeededFuture(c.result());
                });
    Future<JsonObject> f =
        run(a, exchange(), Map.of("Secret", "plaintext!", "EncryptionContext", "{not json"));
    assertThat(failure(f)).isEqualTo(ErrorCode.INVALID_ENCRYPTION_CONTEXT);
    assertThat(ran[0]).isFalse();
    assertThat(decodedSecrets).hasSize(1);
    assertThat(decodedSecrets.get(0)).containsOnly(0);
  }

  @Test
  void aHandlerFailingBeforeItTookTheSecret_zeroesIt() {
    Action a =
        Action.crypto("Seal")
            .inputs(secret)
            .handler(
                c -> {
                  throw ErrorCode.INVALID_KEY_SPEC.exception();
                });
    assertThat(failure(run(a, exchange(), Map.of("Secret", "plaintext!"))))
        .isEqualTo(ErrorCode.INVALID_KEY_SPEC);
    assertThat(decodedSecrets.get(0)).containsOnly(0);
  }

  @Test
  void fieldsAreCheckedInDeclarationOrder() {
    Action a =
        Action.management("Two")
            .inputs(Fields.KEY_ID, Fields.LIMIT)
            .handler(c -> Future.succeededFuture(c.result()));
    assertThat(failure(run(a, exchange(), Map.of("Limit", 0))))
        .isEqualTo(ErrorCode.MISSING_PARAMETER);
    assertThat(failure(run(a, exchange(), Map.of("KeyId", KEY, "Limit", 0))))
        .isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
  }

  @Test
  void theKeyAFieldNames_isRecordedForTheAudit_evenWhenALaterFieldFails() {
    Action a =
        Action.management("Two")
            .inputs(Fields.KEY_ID, Fields.LIMIT)
            .handler(c -> Future.succeededFuture(c.result()));
    Exchange ex = exchange();
    run(a, ex, Map.of("KeyId", KEY, "Limit", 0));
    assertThat(ex.keyId).isEqualTo(KEY);
  }

  @Test
  void theAnswer_carriesTheDeclaredFields_inTheProtocolsSpelling() {
    Action a =
        Action.management("Echo")
            .v2()
            .inputs(Fields.LIMIT)
            .outputs("TotalCount")
            .handler(
                c -> Future.succeededFuture(c.result().put("TotalCount", c.get(Fields.LIMIT))));
    assertThat(run(a, exchange(), Map.of()).result().encode()).isEqualTo("{\"TotalCount\":10}");
    JsonObject v2 =
        new Dispatcher(ActionCatalog.standard(), new Pipeline(null), Protocol.V2)
            .run(a, new Exchange("r", 0, "s", Protocol.V2), CALLER, Map.of("limit", "3"))
            .result();
    assertThat(v2.encode()).isEqualTo("{\"totalCount\":3}");
  }

  static ErrorCode firstError(Action a, Protocol p, Map<String, Object> input) {
    return failure(
        new Dispatcher(ActionCatalog.standard(), new Pipeline(null), p)
            .run(a, new Exchange("r", 0, "s", p), CALLER, input));
  }

  @Test
  void realDeclarations_reportTheFirstProblemAsEachProtocolAlwaysHas() {
    String badAlias = "kms-reserved";
    // API 3.0 checks Alias (and Description) before KeyId; API 2.0 keyId first.
    assertThat(
            firstError(
                KeyActions.UPDATE_ALIAS, Protocol.V3, Map.of("KeyId", "nope", "Alias", badAlias)))
        .isEqualTo(ErrorCode.INVALID_ALIAS);
    assertThat(
            firstError(
                KeyActions.UPDATE_ALIAS, Protocol.V2, Map.of("keyId", "nope", "alias", badAlias)))
        .isEqualTo(ErrorCode.INVALID_KEY_ID);
    assertThat(
            firstError(
                KeyActions.UPDATE_KEY_DESCRIPTION,
                Protocol.V3,
                Map.of("KeyId", "nope", "Description", "d".repeat(1025))))
        .isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    // GenerateDataKey: the length (NumberOfBytes, else KeySpec) before the encryption context.
    for (Protocol p : Protocol.values()) {
      Map<String, Object> badSpec =
          Map.of(
              p.fieldName("KeyId"),
              KEY,
              p.fieldName("KeySpec"),
              "AES_512",
              p.fieldName("EncryptionContext"),
              "{bad");
      assertThat(firstError(CryptoActions.GENERATE_DATA_KEY, p, badSpec))
          .as(p.label())
          .isEqualTo(ErrorCode.INVALID_KEY_SPEC);
      Map<String, Object> noSpec =
          Map.of(p.fieldName("KeyId"), KEY, p.fieldName("EncryptionContext"), "{bad");
      assertThat(firstError(CryptoActions.GENERATE_DATA_KEY, p, noSpec))
          .as(p.label())
          .isEqualTo(ErrorCode.MISSING_PARAMETER);
    }
  }

  @Test
  void lookup_unknownIsInvalidAction_unsupportedIsUnsupportedOperation_beforeAnyThrottling() {
    Dispatcher v3 = new Dispatcher(ActionCatalog.standard(), new Pipeline(null), Protocol.V3);
    Dispatcher v2 = new Dispatcher(ActionCatalog.standard(), new Pipeline(null), Protocol.V2);
    assertThat(failure(v3.dispatch(exchange(), CALLER, "BindCloudResource", Map.of())))
        .isEqualTo(ErrorCode.UNSUPPORTED_OPERATION);
    assertThat(failure(v3.dispatch(exchange(), CALLER, "Nope", Map.of())))
        .isEqualTo(ErrorCode.INVALID_ACTION);
    Future<JsonObject> unknownV2 = v2.dispatch(exchange(), CALLER, "BindCloudResource", Map.of());
    assertThat(failure(unknownV2)).isEqualTo(ErrorCode.INVALID_ACTION);
    assertThat(unknownV2.cause().getMessage()).isEqualTo(ErrorCode.INVALID_ACTION.message());
  }

  @Test
  void anUndeclaredAnswerField_isAProgrammingError_caughtWithAssertionsOn() {
    // Surefire and failsafe run with -ea, so every test of every action checks its outputs.
    Action a =
        Action.management("Sloppy")
            .handler(c -> Future.succeededFuture(c.result().put("Undeclared", 1)));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(a, exchange(), Map.of()))
        .isInstanceOf(AssertionError.class);
  }
}
