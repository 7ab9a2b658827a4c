package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tkms.cli.AdminCli;
import io.tkms.cli.ExitCodes;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The admin command line ({@code java -jar kms.jar admin ...}) against a real server: every
 * command's success path and output, the exit codes (0 done, 1 refused, 2 usage, 3 unavailable),
 * {@code --help} on every command, and that neither the admin token nor a SecretKey (outside {@code
 * credentials issue}) ever reaches the output. Commands run in-process through picocli's {@link
 * CommandLine#execute} with captured stdout and stderr.
 */
class AdminCliIT {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  static final List<String> OUTPUTS = Collections.synchronizedList(new ArrayList<>());

  @AfterAll
  static void theTokenWasNeverPrinted() {
    // Whatever ran, wrong token included: the admin token was never printed.
    assertThat(OUTPUTS)
        .isNotEmpty()
        .allSatisfy(o -> assertThat(o).doesNotContain(TestServer.ADMIN_TOKEN));
  }

  record Run(int exit, String out, String err) {}

  static Run cli(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        AdminCli.commandLine(env, new PrintWriter(out, true), new PrintWriter(err, true))
            .execute(args);
    OUTPUTS.add(out.toString());
    OUTPUTS.add(err.toString());
    return new Run(exit, out.toString(), err.toString());
  }

  static String url() {
    return "http://127.0.0.1:" + server.adminPort();
  }

  static Map<String, String> tokenEnv() {
    return Map.of("KMS_ADMIN_TOKEN", TestServer.ADMIN_TOKEN);
  }

  /** A leaf command against the test server with the right token. */
  static Run admin(String... args) {
    return cli(tokenEnv(), withUrl(url(), args));
  }

  static String[] withUrl(String url, String... args) {
    String[] all = Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--url";
    all[args.length + 1] = url;
    return all;
  }

  static void assertExit(Run r, int exit) {
    assertThat(r.exit())
        .as("exit code; stdout:%n%s%nstderr:%n%s", r.out(), r.err())
        .isEqualTo(exit);
    if (exit != ExitCodes.OK) {
      assertThat(r.err()).as("a failure says why on stderr").isNotBlank();
    }
  }

  // --- accounts ----------------------------------------------------------------------------------

  @Test
  void accountsCreate_createsTheAccountWithItsOwner_andExits0() {
    Run r = admin("accounts", "create", "1250000501");
    assertExit(r, 0);
    assertThat(r.out()).contains("created account 1250000501 with owner uin 1250000501");
    JsonObject shown = server.admin("GET", "/admin/v1/accounts/1250000501", null);
    assertThat(shown.getJsonArray("principals").getJsonObject(0).getString("type"))
        .isEqualTo("owner");

    assertExit(admin("accounts", "create", "1250000502", "--uin", "100000000502"), 0);
    assertThat(
            server
                .admin("GET", "/admin/v1/accounts/1250000502", null)
                .getJsonArray("principals")
                .getJsonObject(0)
                .getString("uin"))
        .isEqualTo("100000000502");
  }

  @Test
  void accountsCreate_refusedByTheServer_exits1WithItsReason() {
    assertExit(admin("accounts", "create", "1250000503"), 0);
    Run dup = admin("accounts", "create", "1250000503");
    assertExit(dup, ExitCodes.REFUSED);
    assertThat(dup.err()).startsWith("error: ").contains("HTTP 409 Conflict");
    Run bad = admin("accounts", "create", "not-a-number");
    assertExit(bad, ExitCodes.REFUSED);
    assertThat(bad.err()).contains("HTTP 400").contains("decimal");
  }

  @Test
  void accountsList_printsOneAppIdPerLine_orJson() {
    assertExit(admin("accounts", "create", "1250000504"), 0);
    Run r = admin("accounts", "list");
    assertExit(r, 0);
    assertThat(r.out().lines()).contains(TestServer.APP_ID, "1250000504");
    Run json = admin("accounts", "list", "--json");
    assertExit(json, 0);
    assertThat(new JsonObject(json.out()).getJsonArray("accounts").getList())
        .contains(TestServer.APP_ID, "1250000504");
  }

  @Test
  void accountsShow_printsPrincipalsAndCredentialIds_butNeverKeys() {
    assertExit(admin("accounts", "create", "1250000505"), 0);
    assertExit(admin("principals", "add", "1250000505", "1250000515"), 0);
    JsonObject cred =
        server.admin("POST", "/admin/v1/principals/1250000505/credentials", new JsonObject());

    Run r = admin("accounts", "show", "1250000505");
    assertExit(r, 0);
    assertThat(r.out())
        .contains("account  1250000505")
        .contains("1250000515  sub")
        .contains("owner")
        .contains(cred.getString("secretId"))
        .contains("enabled")
        .doesNotContain(cred.getString("secretKey"))
        .doesNotContainIgnoringCase("secretKey");
    Run json = admin("accounts", "show", "1250000505", "--json");
    assertExit(json, 0);
    assertThat(new JsonObject(json.out()).getString("appId")).isEqualTo("1250000505");
    assertThat(json.out()).doesNotContain(cred.getString("secretKey"));
  }

  @Test
  void accountsShow_unknown_exits1With404() {
    Run r = admin("accounts", "show", "1250000599");
    assertExit(r, ExitCodes.REFUSED);
    assertThat(r.err()).contains("HTTP 404 Not Found").contains("no such account");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void userInput_isOneEncodedPathSegment_neverAnotherPath() {
    // "../accounts" would otherwise reach GET /admin/v1/accounts and list every account.
    Run r = admin("accounts", "show", "../accounts");
    assertExit(r, ExitCodes.REFUSED);
    assertThat(r.err()).contains("404");
  }

  // --- principals --------------------------------------------------------------------------------

  @Test
  void principalsAdd_subByDefault_orCollaborator_exits0() {
    assertExit(admin("accounts", "create", "1250000506"), 0);
    Run sub = admin("principals", "add", "1250000506", "1250000516");
    assertExit(sub, 0);
    assertThat(sub.out()).contains("added sub principal 1250000516 to account 1250000506");
    assertExit(admin("principals", "add", "1250000506", "1250000526", "--type", "collaborator"), 0);
    assertThat(
            server
                .admin("GET", "/admin/v1/accounts/1250000506", null)
                .getJsonArray("principals")
                .stream()
                .map(
                    p ->
                        ((JsonObject) p).getString("uin")
                            + "/"
                            + ((JsonObject) p).getString("type")))
        .containsExactlyInAnyOrder("1250000506/owner", "1250000516/sub", "1250000526/collaborator");
  }

  @Test
  void principalsAdd_refused_exits1_andBadType_exits2() {
    Run unknown = admin("principals", "add", "1250000598", "1250000517");
    assertExit(unknown, ExitCodes.REFUSED);
    assertThat(unknown.err()).contains("HTTP 404");
    Run badType = admin("principals", "add", "1250000506", "1250000527", "--type", "owner");
    assertExit(badType, ExitCodes.USAGE);
    assertThat(badType.err()).contains("--type must be sub or collaborator");
  }

  // --- credentials -------------------------------------------------------------------------------

  @Test
  void credentialsIssue_printsSecretIdAndKeyOnce_andTheKeyWorks() {
    assertExit(admin("accounts", "create", "1250000507"), 0);
    Run r = admin("credentials", "issue", "1250000507");
    assertExit(r, 0);
    String secretId = field(r.out(), "SecretId:");
    String secretKey = field(r.out(), "SecretKey:");
    assertThat(secretId).startsWith("AKID");
    assertThat(secretKey).hasSizeGreaterThanOrEqualTo(32);
    assertThat(r.out()).contains("shown only this once");
    JsonObject listed = new V2Client(server.port(), secretId, secretKey).call("ListKey");
    assertThat(listed.getInteger("code")).as(listed.encode()).isZero();
    // Nothing else ever shows it again.
    assertThat(admin("accounts", "show", "1250000507").out())
        .contains(secretId)
        .doesNotContain(secretKey);
  }

  @Test
  void credentialsIssue_json_keepsStdoutJson_andSaysShownOnceOnStderr() {
    assertExit(admin("accounts", "create", "1250000508"), 0);
    Run r = admin("credentials", "issue", "1250000508", "--json");
    assertExit(r, 0);
    JsonObject cred = new JsonObject(r.out());
    assertThat(cred.getString("secretId")).startsWith("AKID");
    assertThat(cred.getString("secretKey")).isNotBlank();
    assertThat(r.err()).contains("shown only this once");
  }

  @Test
  void credentialsIssue_forUnknownUin_exits1() {
    Run r = admin("credentials", "issue", "1250000597");
    assertExit(r, ExitCodes.REFUSED);
    assertThat(r.err()).contains("HTTP 404").contains("no such principal");
  }

  @Test
  void credentialsRevoke_disablesTheCredential_andUnknownExits1() {
    assertExit(admin("accounts", "create", "1250000509"), 0);
    JsonObject cred =
        server.admin("POST", "/admin/v1/principals/1250000509/credentials", new JsonObject());
    V2Client client =
        new V2Client(server.port(), cred.getString("secretId"), cred.getString("secretKey"));
    assertThat(client.call("ListKey").getInteger("code")).isZero();

    Run r = admin("credentials", "revoke", cred.getString("secretId"));
    assertExit(r, 0);
    assertThat(r.out())
        .contains("revoked credential " + cred.getString("secretId"))
        .doesNotContain(cred.getString("secretKey"));
    assertThat(client.call("ListKey").getInteger("code")).isEqualTo(4100);
    assertThat(admin("accounts", "show", "1250000509").out()).contains("revoked");

    Run unknown = admin("credentials", "revoke", "AKIDdoesNotExist0000000000000000");
    assertExit(unknown, ExitCodes.REFUSED);
    assertThat(unknown.err()).contains("HTTP 404").contains("no such credential");
  }

  // --- limits ------------------------------------------------------------------------------------

  @Test
  void limits_onTheRealServer_workOrReportTheMissingEndpointClearly() {
    assertExit(admin("accounts", "create", "1250000510"), 0);
    boolean endpoint =
        server
                .adminResponse(
                    "GET", "/admin/v1/accounts/1250000510/limits", null, TestServer.ADMIN_TOKEN)
                .status()
            != 404;
    Run get = admin("limits", "get", "1250000510");
    Run set =
        admin(
            "limits",
            "set",
            "1250000510",
            "--crypto",
            "500",
            "--sign",
            "60",
            "--public-key",
            "70",
            "--action",
            "GenerateDataKey=100");
    if (!endpoint) {
      // Servers without per-account limits (before the distributed-limiter work lands).
      for (Run r : List.of(get, set)) {
        assertExit(r, ExitCodes.REFUSED);
        assertThat(r.err())
            .contains("HTTP 404 Not Found")
            .contains("no per-account limits endpoint");
      }
    } else {
      assertExit(set, 0);
      assertExit(get, 0);
      assertThat(set.out())
          .contains("sign               60/s  (SignByAsymmetricKey)")
          .contains("publicKey          70/s  (GetPublicKey)")
          .contains("asymmetricDecrypt  ");
      Run more =
          admin("limits", "set", "1250000510", "--verify", "80", "--asymmetric-decrypt", "90");
      assertExit(more, 0);
      Run after = admin("limits", "get", "1250000510", "--json");
      assertExit(after, 0);
      JsonObject l = new JsonObject(after.out());
      assertThat(l.getInteger("crypto")).isEqualTo(500);
      assertThat(l.getInteger("sign")).isEqualTo(60);
      assertThat(l.getInteger("verify")).isEqualTo(80);
      assertThat(l.getInteger("asymmetricDecrypt")).isEqualTo(90);
      assertThat(l.getInteger("publicKey")).isEqualTo(70);
      assertThat(l.getJsonObject("actions").getInteger("GenerateDataKey")).isEqualTo(100);
    }
  }

  @Test
  void rootKey_show_rotate_destroy() {
    Run show = admin("root-key", "show");
    assertExit(show, 0);
    assertThat(show.out()).contains("HSA: software (answering)").contains("VERSION");
    Run rotate = admin("root-key", "rotate");
    assertExit(rotate, 0);
    int current = server.admin("GET", "/admin/v1/root-key", null).getInteger("currentVersion");
    assertThat(rotate.out()).contains("new wraps use root-key version " + current);
    // The newest version cannot be destroyed: refused by the server, exit 1.
    Run refused = admin("root-key", "destroy", Integer.toString(current));
    assertExit(refused, ExitCodes.REFUSED);
    assertThat(refused.err()).contains("409");
    Run json = admin("root-key", "show", "--json");
    assertExit(json, 0);
    assertThat(new JsonObject(json.out()).getString("hsa")).isEqualTo("software");
  }

  @Test
  void limits_ofAnUnknownAccount_exit1With404() {
    Run r = admin("limits", "get", "1250000596");
    assertExit(r, ExitCodes.REFUSED);
    assertThat(r.err()).contains("HTTP 404");
  }

  @Test
  void limits_speakTheDocumentedShape() throws Exception {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    JsonObject stored =
        new JsonObject()
            .put("crypto", 10000)
            .put("management", 100)
            .put("actions", new JsonObject());
    stub.createContext(
        "/admin/v1/accounts/1250000001/limits",
        ex -> {
          String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          seen.add(
              ex.getRequestMethod()
                  + " "
                  + ex.getRequestHeaders().getFirst("Authorization").startsWith("Bearer ")
                  + " "
                  + body);
          if (ex.getRequestMethod().equals("PUT")) {
            stored.mergeIn(new JsonObject(body));
          }
          respond(ex, 200, stored.encode());
        });
    stub.createContext(
        "/admin/v1/accounts/1250000002/limits", ex -> respond(ex, 200, "<html>proxy page</html>"));
    stub.createContext(
        "/admin/v1/accounts/1250000003/limits",
        ex -> respond(ex, 500, "{\"error\":\"internal error\"}"));
    stub.createContext("/admin/v1/accounts/1250000004/limits", ex -> respond(ex, 503, ""));
    stub.start();
    try {
      String base = "http://127.0.0.1:" + stub.getAddress().getPort();
      Run set =
          cli(
              tokenEnv(),
              withUrl(
                  base,
                  "limits",
                  "set",
                  "1250000001",
                  "--crypto",
                  "500",
                  "--management",
                  "50",
                  "--sign",
                  "10",
                  "--verify",
                  "11",
                  "--asymmetric-decrypt",
                  "12",
                  "--public-key",
                  "13",
                  "--action",
                  "GenerateDataKey=100"));
      assertExit(set, 0);
      assertThat(seen)
          .containsExactly(
              "PUT true {\"crypto\":500,\"management\":50,\"sign\":10,\"verify\":11,"
                  + "\"asymmetricDecrypt\":12,\"publicKey\":13,"
                  + "\"actions\":{\"GenerateDataKey\":100}}");
      assertThat(set.out())
          .contains("crypto             500/s")
          .contains("management         50/s")
          .contains("sign               10/s  (SignByAsymmetricKey)")
          .contains("verify             11/s  (VerifyByAsymmetricKey)")
          .contains("asymmetricDecrypt  12/s  (AsymmetricRsaDecrypt, AsymmetricSm2Decrypt)")
          .contains("publicKey          13/s  (GetPublicKey)")
          .contains("GenerateDataKey  100/s");

      Run get = cli(tokenEnv(), withUrl(base, "limits", "get", "1250000001"));
      assertExit(get, 0);
      assertThat(seen).last().isEqualTo("GET true ");
      assertThat(get.out())
          .contains("account            1250000001")
          .contains("crypto             500/s");
      Run partial =
          cli(tokenEnv(), withUrl(base, "limits", "set", "1250000001", "--action", "Decrypt=7"));
      assertExit(partial, 0);
      assertThat(seen).last().isEqualTo("PUT true {\"actions\":{\"Decrypt\":7}}");

      Run notJson = cli(tokenEnv(), withUrl(base, "limits", "get", "1250000002"));
      assertExit(notJson, ExitCodes.UNAVAILABLE);
      assertThat(notJson.err()).contains("not a JSON object");
      Run failed = cli(tokenEnv(), withUrl(base, "limits", "get", "1250000003"));
      assertExit(failed, ExitCodes.UNAVAILABLE);
      assertThat(failed.err())
          .contains("HTTP 500 Internal Server Error")
          .contains("internal error");
      assertExit(
          cli(tokenEnv(), withUrl(base, "limits", "get", "1250000004")), ExitCodes.UNAVAILABLE);
    } finally {
      stub.stop(0);
    }
  }

  static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      ex.getResponseBody().write(b);
    }
    ex.close();
  }

  // --- token, connection and usage failures ------------------------------------------------------

  @Test
  void wrongToken_exits1_sayingTheTokenWasRefused() {
    Run r =
        cli(Map.of("KMS_ADMIN_TOKEN", "not-the-admin-token"), withUrl(url(), "accounts", "list"));
    assertExit(r, ExitCodes.REFUSED);
    assertThat(r.err())
        .contains("refused the admin token")
        .contains("HTTP 401")
        .doesNotContain("not-the-admin-token");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void token_comesFromTheOptionOrTheFileVariable_andIsNeverGuessed(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, TestServer.ADMIN_TOKEN + "\n");
    assertExit(
        cli(Map.of(), withUrl(url(), "accounts", "list", "--token-file", file.toString())), 0);
    assertExit(
        cli(Map.of("KMS_ADMIN_TOKEN_FILE", file.toString()), withUrl(url(), "accounts", "list")),
        0);
    // The option wins over the variables.
    assertExit(
        cli(
            Map.of("KMS_ADMIN_TOKEN", "wrong-token-000000"),
            withUrl(url(), "accounts", "list", "--token-file", file.toString())),
        0);

    Run none = cli(Map.of(), withUrl(url(), "accounts", "list"));
    assertExit(none, ExitCodes.USAGE);
    assertThat(none.err()).contains("no admin token").contains("KMS_ADMIN_TOKEN_FILE");
    Run both =
        cli(
            Map.of(
                "KMS_ADMIN_TOKEN", TestServer.ADMIN_TOKEN, "KMS_ADMIN_TOKEN_FILE", file.toString()),
            withUrl(url(), "accounts", "list"));
    assertExit(both, ExitCodes.USAGE);
    assertThat(both.err()).contains("only one of");
    Run missing =
        cli(
            Map.of(),
            withUrl(url(), "accounts", "list", "--token-file", dir.resolve("absent").toString()));
    assertExit(missing, ExitCodes.USAGE);
    assertThat(missing.err()).contains("not a readable file");
    Run spaces = cli(Map.of("KMS_ADMIN_TOKEN", "two words"), withUrl(url(), "accounts", "list"));
    assertExit(spaces, ExitCodes.USAGE);
    assertThat(spaces.err()).doesNotContain("two words");
  }

  @Test
  void serverDown_exits3_sayingItCannotConnect() {
    String closed = "http://127.0.0.1:" + TestServer.freePort();
    Run r = cli(tokenEnv(), withUrl(closed, "accounts", "list"));
    assertExit(r, ExitCodes.UNAVAILABLE);
    assertThat(r.err()).contains("cannot connect to " + closed);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void badUsage_exits2_withTheReasonAndTheUsage() {
    List<String[]> cases =
        List.of(
            new String[] {},
            new String[] {"accounts"},
            new String[] {"nonsense"},
            new String[] {"accounts", "create"},
            new String[] {"accounts", "show"},
            new String[] {"accounts", "list", "--bogus"},
            new String[] {"accounts", "list", "extra"},
            new String[] {"principals", "add", "1250000001"},
            new String[] {"credentials", "revoke"},
            new String[] {"limits", "set", "1250000001"},
            new String[] {"limits", "set", "1250000001", "--crypto", "many"},
            new String[] {"limits", "set", "1250000001", "--sign", "many"},
            new String[] {"limits", "set", "1250000001", "--public-key"},
            new String[] {"limits", "set", "1250000001", "--action", "GenerateDataKey"},
            new String[] {"accounts", "list", "--url", "ftp://127.0.0.1:9090"},
            new String[] {"accounts", "list", "--url", "not a url"});
    for (String[] args : cases) {
      Run r = cli(tokenEnv(), args);
      assertThat(r.exit()).as("%s: %s", List.of(args), r.err()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).as("%s", List.of(args)).isNotBlank();
      assertThat(r.out()).as("%s", List.of(args)).isEmpty();
    }
    assertThat(cli(tokenEnv(), "nonsense").err()).contains("Unmatched argument");
    assertThat(cli(tokenEnv(), "accounts", "create").err())
        .contains("Missing required parameter")
        .contains("Usage:");
    assertThat(cli(tokenEnv(), "accounts").err())
        .contains("missing command: choose one of list, create, show");
  }

  @Test
  void help_onEveryCommand_exits0_andPrintsItsUsageAndExitCodes() {
    CommandLine root =
        AdminCli.commandLine(
            Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    List<List<String>> paths = new ArrayList<>();
    collect(root, new ArrayList<>(), paths);
    assertThat(paths).hasSize(1 + 4 + 3 + 1 + 2 + 2 + 4);
    for (List<String> path : paths) {
      for (String flag : List.of("--help", "-h")) {
        List<String> args = new ArrayList<>(path);
        args.add(flag);
        Run r = cli(Map.of(), args.toArray(String[]::new));
        assertThat(r.exit()).as("%s", args).isZero();
        assertThat(r.out())
            .as("%s", args)
            .startsWith(
                "Usage: java -jar kms.jar admin"
                    + (path.isEmpty() ? "" : " " + String.join(" ", path)))
            .contains("Exit codes:")
            .contains("cannot connect");
        assertThat(r.err()).isEmpty();
      }
    }
    assertThat(cli(Map.of(), "--help").out())
        .contains("accounts")
        .contains("principals")
        .contains("credentials")
        .contains("limits")
        .contains("root-key");
    assertThat(cli(Map.of(), "credentials", "issue", "--help").out())
        .contains("--url")
        .contains("--token-file")
        .contains("--json");
  }

  static void collect(CommandLine c, List<String> path, List<List<String>> out) {
    out.add(List.copyOf(path));
    c.getSubcommands()
        .forEach(
            (name, sub) -> {
              List<String> p = new ArrayList<>(path);
              p.add(name);
              collect(sub, p, out);
            });
  }

  // --- the jar -----------------------------------------------------------------------------------

  @Test
  void theJar_runsTheCommandLine_forAdmin_withNothingButTheAnswerOnStdout() throws Exception {
    Path jar = Path.of("target", "kms.jar");
    assertThat(jar).as("failsafe runs after package").exists();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java, "-jar", jar.toString(), "admin", "accounts", "list", "--url", url());
    pb.environment().keySet().removeIf(k -> k.startsWith("KMS_"));
    pb.environment().put("KMS_ADMIN_TOKEN", TestServer.ADMIN_TOKEN);
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    OUTPUTS.add(out);
    OUTPUTS.add(err);
    assertThat(p.exitValue()).as(err).isZero();
    assertThat(Stream.of(out.split("\n")))
        .as("stdout holds AppIds only")
        .allMatch(l -> l.matches("[0-9]+"))
        .contains(TestServer.APP_ID);

    Process usage = new ProcessBuilder(java, "-jar", jar.toString(), "admin", "nonsense").start();
    assertThat(usage.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(usage.exitValue()).isEqualTo(ExitCodes.USAGE);
  }

  static String field(String text, String label) {
    return text.lines()
        .filter(l -> l.startsWith(label))
        .map(l -> l.substring(label.length()).trim())
        .findFirst()
        .orElseThrow();
  }
}
