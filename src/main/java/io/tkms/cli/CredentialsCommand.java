package io.tkms.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code admin credentials issue|revoke}. */
@Command(
    name = "credentials",
    description = "Issue and revoke API credentials (SecretId/SecretKey pairs).",
    subcommands = {CredentialsCommand.Issue.class, CredentialsCommand.Revoke.class})
final class CredentialsCommand extends GroupCommand {
  static final String SHOWN_ONCE =
      "The SecretKey is shown only this once: store it now. The server keeps it only wrapped and cannot show it again.";

  @Command(
      name = "issue",
      description = {
        "Issue a new credential for a principal and print its SecretId and SecretKey.",
        "This is the only command that prints a SecretKey."
      })
  static final class Issue extends ApiCommand {
    @Parameters(
        index = "0",
        paramLabel = "UIN",
        description = "Uin of the principal (the owner's uin is usually the AppId).")
    String uin;

    @Override
    AdminClient.Answer run(AdminClient client) {
      return client.call(
          "POST",
          "/admin/v1/principals/" + AdminClient.segment(uin) + "/credentials",
          new JsonObject());
    }

    @Override
    void print(PrintWriter out, JsonObject answer) {
      out.println("SecretId:  " + answer.getValue("secretId"));
      out.println("SecretKey: " + answer.getValue("secretKey"));
      out.println(SHOWN_ONCE);
    }

    @Override
    void afterJson(PrintWriter err) {
      err.println(SHOWN_ONCE);
      err.flush();
    }
  }

  @Command(
      name = "revoke",
      description = {
        "Revoke (disable) a credential. Signed calls with it are refused from then on (4100/10080).",
        "The replica that handles this refuses it at once; other replicas within KMS_CACHE_CREDENTIAL_TTL_SECONDS."
      })
  static final class Revoke extends ApiCommand {
    @Parameters(
        index = "0",
        paramLabel = "SECRETID",
        description = "SecretId (AKID...) of the credential.")
    String secretId;

    @Override
    AdminClient.Answer run(AdminClient client) {
      return client.call("DELETE", "/admin/v1/credentials/" + AdminClient.segment(secretId), null);
    }

    @Override
    void print(PrintWriter out, JsonObject answer) {
      out.println("revoked credential " + answer.getValue("secretId", secretId));
    }
  }
}
