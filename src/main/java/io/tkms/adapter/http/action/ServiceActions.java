package io.tkms.adapter.http.action;

import io.tkms.domain.KeyUsage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;

/** What the service offers (management limiter group): status and quota, regions, algorithms. */
final class ServiceActions {
  private ServiceActions() {}

  static final Action GET_SERVICE_STATUS =
      Action.management("GetServiceStatus")
          .outputs(
              "ServiceEnabled",
              "InvalidType",
              "UserLevel",
              "CmkLimit",
              "CmkUserCount",
              "ExclusiveVSMEnabled",
              "ExclusiveHSMEnabled",
              "IsAllowedDataKeyHosted")
          .note("CmkLimit is KMS_CMK_QUOTA; CmkUserCount the caller's keys in the region")
          .handler(
              c ->
                  c.keys()
                      .count(c.caller())
                      .map(
                          n ->
                              c.result()
                                  .put("ServiceEnabled", true)
                                  .put("InvalidType", 1)
                                  .put("UserLevel", 0)
                                  .put("CmkLimit", c.keys().quota())
                                  .put("CmkUserCount", n)
                                  .put("ExclusiveVSMEnabled", false)
                                  .put("ExclusiveHSMEnabled", false)
                                  .put("IsAllowedDataKeyHosted", false)));

  static final Action GET_REGIONS =
      Action.management("GetRegions")
          .outputs("Regions")
          .note("the regions of KMS_REGIONS")
          .handler(
              c ->
                  Future.succeededFuture(
                      c.result()
                          .put("Regions", new JsonArray(new ArrayList<Object>(c.regions())))));

  static final Action LIST_ALGORITHMS =
      Action.management("ListAlgorithms")
          .outputs("SymmetricAlgorithms", "AsymmetricAlgorithms", "AsymmetricSignVerifyAlgorithms")
          .note(
              "what this server builds in the caller's region: AES_256 (SM4 in the regions of"
                  + " KMS_SM_REGIONS); SM2 and RSA_2048 decryption; SM2, RSA_2048, ECC and"
                  + " ECDSA384_SHA384 signatures")
          .handler(ServiceActions::listAlgorithms);

  private static Future<Result> listAlgorithms(Call c) {
    JsonArray decrypt = new JsonArray();
    JsonArray sign = new JsonArray();
    for (KeyUsage u : KeyUsage.asymmetric()) {
      (u.signs() ? sign : decrypt)
          .add(c.object().put("KeyUsage", u.name()).put("Algorithm", u.algorithm()).json());
    }
    return Future.succeededFuture(
        c.result()
            .put(
                "SymmetricAlgorithms",
                new JsonArray()
                    .add(
                        c.object()
                            .put("KeyUsage", KeyUsage.ENCRYPT_DECRYPT.name())
                            .put("Algorithm", c.keys().algorithmFor(c.caller().region()).name())
                            .json()))
            .put("AsymmetricAlgorithms", decrypt)
            .put("AsymmetricSignVerifyAlgorithms", sign));
  }

  static final List<Action> ALL = List.of(GET_SERVICE_STATUS, GET_REGIONS, LIST_ALGORITHMS);
}
