package io.tkms.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code admin principals add}. */
@Command(
    name = "principals",
    description = "Add principals (uins) to an account.",
    subcommands = PrincipalsCommand.Add.class)
final class PrincipalsCommand extends GroupCommand {

  @Command(
      name = "add",
      description = {
        "Add a principal to an account.",
        "A sub principal has the owner's rights on the account's keys; a collaborator's calls are refused (4000/10440)."
      })
  static final class Add extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APPID", description = "AppId of the account.")
    String appId;

    @Parameters(
        index = "1",
        paramLabel = "UIN",
        description = "Uin of the new principal (decimal, unique across all accounts).")
    String uin;

    @Option(
        names = "--type",
        paramLabel = "TYPE",
        defaultValue = "sub",
        description = "sub or collaborator (default: ${DEFAULT-VALUE}).")
    String type;

    @Override
    AdminClient.Answer run(AdminClient client) {
      if (!type.equals("sub") && !type.equals("collaborator")) {
        throw new ParameterException(
            spec.commandLine(), "--type must be sub or collaborator, got '" + type + "'");
      }
      return client.call(
          "POST",
          "/admin/v1/accounts/" + AdminClient.segment(appId) + "/principals",
          new JsonObject().put("uin", uin).put("type", type));
    }

    @Override
    void print(PrintWriter out, JsonObject answer) {
      out.println("added " + type + " principal " + uin + " to account " + appId);
    }
  }
}
