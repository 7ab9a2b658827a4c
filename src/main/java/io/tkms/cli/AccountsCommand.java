package io.tkms.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code admin accounts list|create|show}. */
@Command(
    name = "accounts",
    description = "List, create and show accounts (AppIds).",
    subcommands = {
      AccountsCommand.ListAccounts.class,
      AccountsCommand.Create.class,
      AccountsCommand.Show.class
    })
final class AccountsCommand extends GroupCommand {

  @Command(name = "list", description = "List the AppIds of all accounts, oldest first.")
  static final class ListAccounts extends ApiCommand {
    @Override
    AdminClient.Answer run(AdminClient client) {
      return client.call("GET", "/admin/v1/accounts", null);
    }

    @Override
    void print(PrintWriter out, JsonObject answer) {
      JsonArray ids = answer.getJsonArray("accounts", new JsonArray());
      if (ids.isEmpty()) {
        out.println("no accounts");
      }
      ids.forEach(out::println);
    }
  }

  @Command(name = "create", description = "Create an account with its owner principal.")
  static final class Create extends ApiCommand {
    @Parameters(
        index = "0",
        paramLabel = "APPID",
        description = "AppId of the new account (decimal, up to 20 digits).")
    String appId;

    @Option(
        names = "--uin",
        paramLabel = "UIN",
        description = "Uin of the owner principal (default: the AppId).")
    String uin;

    @Override
    AdminClient.Answer run(AdminClient client) {
      return client.call(
          "POST", "/admin/v1/accounts", new JsonObject().put("appId", appId).put("uin", owner()));
    }

    private String owner() {
      return uin == null ? appId : uin;
    }

    @Override
    void print(PrintWriter out, JsonObject answer) {
      out.println(
          "created account " + answer.getValue("appId", appId) + " with owner uin " + owner());
      out.println("next: java -jar kms.jar admin credentials issue " + owner());
    }
  }

  @Command(
      name = "show",
      description = "Show an account: its principals and credentials (SecretIds only, never keys).")
  static final class Show extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APPID", description = "AppId of the account.")
    String appId;

    @Override
    AdminClient.Answer run(AdminClient client) {
      return client.call("GET", "/admin/v1/accounts/" + AdminClient.segment(appId), null);
    }

    @Override
    void print(PrintWriter out, JsonObject a) {
      out.println("account  " + a.getValue("appId", appId));
      out.println("created  " + Text.time(a.getLong("createdAt")));
      out.println();
      List<String[]> principals = new ArrayList<>();
      principals.add(new String[] {"UIN", "TYPE"});
      for (Object o : a.getJsonArray("principals", new JsonArray())) {
        JsonObject p = (JsonObject) o;
        principals.add(
            new String[] {String.valueOf(p.getValue("uin")), String.valueOf(p.getValue("type"))});
      }
      out.println("principals:");
      Text.table(out, "  ", principals);
      out.println();
      JsonArray creds = a.getJsonArray("credentials", new JsonArray());
      if (creds.isEmpty()) {
        out.println("credentials: none");
        return;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"SECRET ID", "UIN", "STATE", "CREATED"});
      for (Object o : creds) {
        JsonObject c = (JsonObject) o;
        rows.add(
            new String[] {
              String.valueOf(c.getValue("secretId")),
              String.valueOf(c.getValue("uin")),
              Boolean.TRUE.equals(c.getBoolean("enabled")) ? "enabled" : "revoked",
              Text.time(c.getLong("createdAt"))
            });
      }
      out.println("credentials:");
      Text.table(out, "  ", rows);
    }
  }
}
