package io.tkms.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar kms.jar admin <command>}: the management API from a terminal. picocli parses;
 * each command makes one HTTP call ({@link AdminClient}) and prints text, or the server's JSON with
 * {@code --json}. Exit codes are {@link ExitCodes}. Blocking; run from {@code main} or a test.
 */
@Command(
    name = "java -jar kms.jar admin",
    description = {"Administer a tkms server through its management API.", ""},
    subcommands = {
      AccountsCommand.class,
      PrincipalsCommand.class,
      CredentialsCommand.class,
      LimitsCommand.class,
      RootKeyCommand.class
    })
public final class AdminCli extends GroupCommand {
  private static final String FOOTER =
      "The admin token is read from --token-file, else from the file named by"
          + " KMS_ADMIN_TOKEN_FILE, else from KMS_ADMIN_TOKEN; it is never printed. Every command takes --help.";
  private final Map<String, String> env;

  private AdminCli(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  Map<String, String> env() {
    return env;
  }

  /**
   * The command line, reading the token variables from {@code env} and writing to {@code out} and
   * {@code err}. Call {@link CommandLine#execute} on it; it returns an {@link ExitCodes} value.
   */
  public static CommandLine commandLine(Map<String, String> env, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new AdminCli(env));
    cl.setOut(out).setErr(err);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter w = commandLine.getErr();
          if (e instanceof CliException c) {
            w.println("error: " + c.getMessage());
            w.flush();
            return c.exitCode();
          }
          // A bug here, not the server's answer: say what, without a stack trace that may hold
          // input.
          w.println("error: unexpected failure (" + e.getClass().getName() + ")");
          w.flush();
          return ExitCodes.UNAVAILABLE;
        });
    Deque<CommandLine> todo = new ArrayDeque<>();
    todo.add(cl);
    while (!todo.isEmpty()) {
      CommandLine c = todo.poll();
      c.getCommandSpec()
          .usageMessage()
          .exitCodeListHeading("%nExit codes:%n")
          .exitCodeList(ExitCodes.described())
          .footerHeading("%n")
          .footer(FOOTER);
      todo.addAll(c.getSubcommands().values());
    }
    return cl;
  }

  /** Runs {@code args} (what follows {@code admin}) on the process's environment and streams. */
  public static int run(String[] args) {
    // The platform charset, as PrintWriter(OutputStream) picks on Java 17, now said explicitly.
    PrintWriter out = new PrintWriter(System.out, true, Charset.defaultCharset());
    PrintWriter err = new PrintWriter(System.err, true, Charset.defaultCharset());
    return commandLine(System.getenv(), out, err).execute(args);
  }
}
