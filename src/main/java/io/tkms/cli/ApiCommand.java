package io.tkms.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that makes one call to the management API: resolves the client options, calls, and
 * prints either text ({@link #print}) or, with {@code --json}, the server's JSON.
 */
abstract class ApiCommand implements Callable<Integer> {
  @Mixin HelpOption help;
  @Mixin ClientOptions options;
  @Spec CommandSpec spec;

  /** Makes the call(s) through {@code client}; returns the answer to print. */
  abstract AdminClient.Answer run(AdminClient client);

  /** Prints {@code answer} for a person. */
  abstract void print(PrintWriter out, JsonObject answer);

  @Override
  public final Integer call() {
    AdminCli root = (AdminCli) spec.root().userObject();
    AdminClient.Answer answer = run(options.client(root.env()));
    PrintWriter out = spec.commandLine().getOut();
    if (options.json) {
      out.println(answer.json().encodePrettily());
      afterJson(spec.commandLine().getErr());
    } else {
      print(out, answer.json());
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** What a person must still be told on stderr when stdout carries JSON (nothing by default). */
  void afterJson(PrintWriter err) {}
}
