package io.tkms.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code admin root-key show|rotate|destroy}. */
@Command(
    name = "root-key",
    description = "Show, rotate and destroy root-key versions.",
    subcommands = {
      RootKeyCommand.Show.class,
      RootKeyCommand.Rotate.class,
      RootKeyCommand.Destroy.class
    })
final class RootKeyCommand extends GroupCommand {

  @Command(
      name = "show",
      description =
          "The HSA in use, the root-key versions and how many wrapped items each protects.")
  static final class Show extends ApiCommand {
    @Override
    AdminClient.Answer run(AdminClient client) {
      return client.call("GET", "/admin/v1/root-key", null);
    }

    @Override
    void print(PrintWriter out, JsonObject answer) {
      printStatus(out, answer);
    }
  }

  @Command(
      name = "rotate",
      description = {
        "Create a new root-key version in the HSA; every replica wraps under it at once.",
        "A background job then re-wraps every CMK version and credential secret under it;",
        "'root-key show' shows the old versions emptying."
      })
  static final class Rotate extends ApiCommand {
    @Override
    AdminClient.Answer run(AdminClient client) {
      return client.call("POST", "/admin/v1/root-key/rotate", new JsonObject());
    }

    @Override
    void print(PrintWriter out, JsonObject answer) {
      out.println("new wraps use root-key version " + answer.getValue("currentVersion"));
      printStatus(out, answer);
    }
  }

  @Command(
      name = "destroy",
      description = {
        "Destroy an old root-key version for good (its token object, or its sealed row).",
        "Refused while anything is still wrapped under it, and for the newest version."
      })
  static final class Destroy extends ApiCommand {
    @Parameters(index = "0", paramLabel = "VERSION", description = "The version to destroy.")
    String version;

    @Override
    AdminClient.Answer run(AdminClient client) {
      return client.call(
          "DELETE", "/admin/v1/root-key/versions/" + AdminClient.segment(version), null);
    }

    @Override
    void print(PrintWriter out, JsonObject answer) {
      out.println("destroyed root-key version " + answer.getValue("version", version));
    }
  }

  private static void printStatus(PrintWriter out, JsonObject s) {
    out.println(
        "HSA: "
            + s.getValue("hsa")
            + (Boolean.TRUE.equals(s.getValue("up")) ? " (answering)" : " (NOT ANSWERING)"));
    out.println(
        String.format(
            "%-8s %-9s %12s %12s  %s",
            "VERSION", "CUSTODY", "KEY VERSIONS", "CREDENTIALS", "CREATED"));
    JsonArray versions = s.getJsonArray("versions", new JsonArray());
    for (int i = 0; i < versions.size(); i++) {
      JsonObject v = versions.getJsonObject(i);
      out.println(
          String.format(
              "%-8s %-9s %12s %12s  %s",
              v.getValue("version") + (Boolean.TRUE.equals(v.getValue("current")) ? "*" : ""),
              v.getValue("custody"),
              v.getValue("keyVersions"),
              v.getValue("credentials"),
              v.getValue("createdAt")));
    }
    out.println("* new wraps use this version");
  }
}
