package io.tkms.adapter.http;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The two wire protocols: API 2.0 on {@code /v2/index.php} and API 3.0 on {@code /}. They differ in
 * field spelling (API 2.0 writes API 3.0's {@code KeyId} as {@code keyId}), in the wording of a
 * missing parameter, and in their envelopes; everything else is shared. Immutable.
 */
public enum Protocol {
  V2("v2") {
    @Override
    public String fieldName(String v3Name) {
      return LOWER_CAMEL.computeIfAbsent(v3Name, Protocol::lowerCamel);
    }

    @Override
    public KmsException missing(String wireName) {
      return ErrorCode.MISSING_PARAMETER.exception("lacked of required parameters: " + wireName);
    }

    @Override
    public KmsException invalidAction(String safeName) {
      return ErrorCode.INVALID_ACTION.exception();
    }

    @Override
    public boolean isCommonParameter(String name) {
      return LegacySigning.COMMON.contains(name);
    }
  },
  V3("v3") {
    @Override
    public String fieldName(String v3Name) {
      return v3Name;
    }

    @Override
    public KmsException missing(String wireName) {
      return ErrorCode.MISSING_PARAMETER.exception("the parameter " + wireName + " is required");
    }

    @Override
    public KmsException invalidAction(String safeName) {
      return ErrorCode.INVALID_ACTION.exception("the action " + safeName + " does not exist");
    }

    @Override
    public boolean isCommonParameter(String name) {
      // TC3 carries the common parameters in X-TC-* headers; these may also come as input. The
      // legacy-signed form's common parameters are taken out of the input before it is dispatched.
      return TC3_COMMON_IN_INPUT.contains(name);
    }
  };

  private static final Set<String> TC3_COMMON_IN_INPUT =
      Set.of("Region", "Language", "RequestClient");

  /** API 2.0 spellings of the (few dozen) API 3.0 field names, computed once each. */
  private static final Map<String, String> LOWER_CAMEL = new ConcurrentHashMap<>();

  private final String label;

  Protocol(String label) {
    this.label = label;
  }

  /** {@code v2} or {@code v3}: the protocol's name in metrics, audit events and logs. */
  public String label() {
    return label;
  }

  /**
   * Whether {@code name} is one of the protocol's common parameters (signing, region, language),
   * which may come with any action's input without being one of its fields.
   */
  public abstract boolean isCommonParameter(String name);

  /** This protocol's spelling of a field that API 3.0 spells {@code v3Name}. */
  public abstract String fieldName(String v3Name);

  /**
   * The MISSING_PARAMETER failure for {@code wireName}, worded as this protocol's clients expect.
   */
  public abstract KmsException missing(String wireName);

  /**
   * The INVALID_ACTION failure for an action this protocol does not have; {@code safeName} is the
   * name made safe to echo (API 2.0 keeps Tencent's own wording, without it).
   */
  public abstract KmsException invalidAction(String safeName);

  private static String lowerCamel(String name) {
    return name.isEmpty()
        ? name
        : name.substring(0, 1).toLowerCase(Locale.ROOT) + name.substring(1);
  }
}
