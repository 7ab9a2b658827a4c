package io.tkms.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code admin limits get|set}: per-account QPS overrides, {@code GET/PUT
 * /admin/v1/accounts/{appId}/limits} with {@code {"crypto": 500, "management": 50, "sign": 100,
 * "verify": 100, "asymmetricDecrypt": 200, "publicKey": 100, "actions": {"GenerateDataKey": 100}}}
 * (every key optional on PUT).
 */
@Command(
    name = "limits",
    description = "Read and set an account's QPS limits.",
    subcommands = {LimitsCommand.Get.class, LimitsCommand.Set.class})
final class LimitsCommand extends GroupCommand {
  /** The groups beyond crypto and management: JSON member, what it limits. */
  private static final String[][] GROUPS = {
    {"sign", "SignByAsymmetricKey"},
    {"verify", "VerifyByAsymmetricKey"},
    {"asymmetricDecrypt", "AsymmetricRsaDecrypt, AsymmetricSm2Decrypt"},
    {"publicKey", "GetPublicKey"}
  };

  static String path(String appId) {
    return "/admin/v1/accounts/" + AdminClient.segment(appId) + "/limits";
  }

  /**
   * Calls, turning the router's bare 404 (the server predates the limits endpoint) into a message
   * that says so; an unknown account's 404 ("no such account") passes through unchanged.
   */
  static AdminClient.Answer send(AdminClient client, String method, String appId, JsonObject body) {
    try {
      return client.call(method, path(appId), body);
    } catch (CliException e) {
      if (e.httpStatus() == 404 && e.serverError().equals("not found")) {
        throw CliException.answered(
            e.exitCode(),
            e.getMessage()
                + ". This server has no per-account limits endpoint"
                + " (it is older than this command line): upgrade the server to read or set limits.",
            e.httpStatus(),
            e.serverError());
      }
      throw e;
    }
  }

  static void printLimits(PrintWriter out, String appId, JsonObject l) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"account", String.valueOf(l.getValue("appId", appId))});
    if (l.containsKey("crypto")) {
      rows.add(
          new String[] {
            "crypto", l.getValue("crypto") + "/s  (Encrypt, Decrypt, GenerateDataKey)"
          });
    }
    if (l.containsKey("management")) {
      rows.add(new String[] {"management", l.getValue("management") + "/s  (all other actions)"});
    }
    for (String[] g : GROUPS) {
      if (l.containsKey(g[0])) {
        rows.add(new String[] {g[0], l.getValue(g[0]) + "/s  (" + g[1] + ")"});
      }
    }
    Text.table(out, "", rows);
    JsonObject actions = l.getValue("actions") instanceof JsonObject a ? a : new JsonObject();
    if (actions.isEmpty()) {
      out.println("actions: no per-action limits");
      return;
    }
    List<String[]> perAction = new ArrayList<>();
    perAction.add(new String[] {"ACTION", "LIMIT"});
    actions.forEach(e -> perAction.add(new String[] {e.getKey(), e.getValue() + "/s"}));
    out.println("actions:");
    Text.table(out, "  ", perAction);
  }

  @Command(name = "get", description = "Show an account's effective QPS limits.")
  static final class Get extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APPID", description = "AppId of the account.")
    String appId;

    @Override
    AdminClient.Answer run(AdminClient client) {
      return send(client, "GET", appId, null);
    }

    @Override
    void print(PrintWriter out, JsonObject answer) {
      printLimits(out, appId, answer);
    }
  }

  @Command(
      name = "set",
      description = {
        "Override an account's QPS limits; limits not named keep their value.",
        "Example: limits set 1250000001 --crypto 500 --management 50 --sign 100"
            + " --action GenerateDataKey=100"
      })
  static final class Set extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APPID", description = "AppId of the account.")
    String appId;

    @Option(
        names = "--crypto",
        paramLabel = "QPS",
        description =
            "Limit of the crypto actions (Encrypt, Decrypt, GenerateDataKey, ReEncrypt, GenerateRandom) together.")
    Integer crypto;

    @Option(
        names = "--management",
        paramLabel = "QPS",
        description = "Limit of all other actions together.")
    Integer management;

    @Option(names = "--sign", paramLabel = "QPS", description = "Limit of SignByAsymmetricKey.")
    Integer sign;

    @Option(names = "--verify", paramLabel = "QPS", description = "Limit of VerifyByAsymmetricKey.")
    Integer verify;

    @Option(
        names = "--asymmetric-decrypt",
        paramLabel = "QPS",
        description = "Limit of AsymmetricRsaDecrypt and AsymmetricSm2Decrypt together.")
    Integer asymmetricDecrypt;

    @Option(names = "--public-key", paramLabel = "QPS", description = "Limit of GetPublicKey.")
    Integer publicKey;

    @Option(
        names = "--action",
        paramLabel = "ACTION=QPS",
        description = "Limit of one action (repeatable), e.g. GenerateDataKey=100.")
    Map<String, Integer> actions = new LinkedHashMap<>();

    @Override
    AdminClient.Answer run(AdminClient client) {
      JsonObject body = new JsonObject();
      // In the order of the JSON the server answers; a limit not named is left out.
      put(body, "crypto", crypto);
      put(body, "management", management);
      put(body, "sign", sign);
      put(body, "verify", verify);
      put(body, "asymmetricDecrypt", asymmetricDecrypt);
      put(body, "publicKey", publicKey);
      if (body.isEmpty() && actions.isEmpty()) {
        throw new ParameterException(
            spec.commandLine(),
            "name at least one limit: --crypto, --management, --sign, --verify,"
                + " --asymmetric-decrypt, --public-key or --action");
      }
      if (!actions.isEmpty()) {
        JsonObject a = new JsonObject();
        actions.forEach(a::put);
        body.put("actions", a);
      }
      return send(client, "PUT", appId, body);
    }

    private static void put(JsonObject body, String field, Integer qps) {
      if (qps != null) {
        body.put(field, qps);
      }
    }

    @Override
    void print(PrintWriter out, JsonObject answer) {
      if (answer.containsKey("crypto")
          || answer.containsKey("management")
          || answer.containsKey("actions")) {
        printLimits(out, appId, answer);
      } else {
        out.println("updated the limits of account " + appId);
      }
    }
  }
}
