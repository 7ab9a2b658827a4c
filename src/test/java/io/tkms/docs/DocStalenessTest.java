package io.tkms.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.adapter.http.Protocol;
import io.tkms.adapter.http.action.Action;
import io.tkms.adapter.http.action.ActionCatalog;
import io.tkms.adapter.http.admin.AdminApi;
import io.tkms.config.Setting;
import io.tkms.error.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The documents describe the product as it is now, so what they name must exist. Documents are
 * every text file under {@code docs/} and {@code k8s/}, {@code README.md}, {@code
 * load-tests/README.md} and the {@code Dockerfile}. Each rule is one test whose failure lists every
 * offending {@code file:line} and what to do:
 *
 * <ul>
 *   <li><b>No issue numbers</b> ({@code [Ii]ssues? #?\d{1,4}\b}, or {@code #\d+} not glued to a
 *       word: {@code PKCS#11} is a name) and <b>no dated words</b> ("this morning", "today", ...):
 *       say what is true, or the date. The command {@code credentials issue <AppId>} is not an
 *       issue reference.
 *   <li><b>Backticked type names.</b> A code span (outside fenced blocks) that is one identifier
 *       chain, optionally with an argument list ({@code `KeyMetadata.Type`}, {@code
 *       `io.tkms.config.Setting`}, {@code `Pipeline.admit(...)`}), is checked by its first segment
 *       that starts with an upper-case letter, when that segment is UpperCamelCase of at least two
 *       humps ({@link #CAMEL}; {@code Pipeline}, {@code AES_256} or {@code HTTPS} are not checked).
 *       It must be a class, interface, record or enum declared in a {@code .java} file under {@code
 *       src/} or {@code load-tests/} (nested ones included), a part of one of Tencent's error codes
 *       in {@link ErrorCode}, an action, input or answer field name of the action declarations
 *       ({@link ActionCatalog}), or be listed in {@code docs/known-names.txt} (test resources:
 *       external and wire-level names only, never one of our classes).
 *   <li><b>{@code KMS_} variables</b> must be a {@link Setting} (or a secret's {@code _FILE} form)
 *       or one of {@link #OTHER_VARIABLES}. A name ending in {@code _} ({@code KMS_HTTP_*}, {@code
 *       KMS_REDIS_…}) is a prefix: some such variable must start with it.
 *   <li><b>{@code /admin/v1} paths</b> must be routes of {@link AdminApi}'s router. A segment that
 *       is a placeholder ({@code {appId}}, {@code <AppId>}, {@code :uin}), all digits, or elided
 *       ({@code AKID...}) stands for a path parameter; any other segment must equal the route's.
 *       {@code /admin/v1} alone, or a path ending in {@code /…} or {@code /...}, means "the paths
 *       under it": some route must lie under it. Where the method is written ({@code PUT
 *       /admin/...}, {@code PUT/GET /admin/...}, a {@code curl} line: {@code -X M}, else POST with
 *       {@code -d}, else GET), the route must take that method.
 * </ul>
 */
class DocStalenessTest {
  static final Pattern CAMEL = Pattern.compile("[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+");
  static final Pattern ISSUE =
      Pattern.compile("(?<!credentials\\s)\\b[Ii]ssues?\\s*#?\\d{1,4}\\b|(?<![\\w&])#\\d+");
  static final Pattern DATED =
      Pattern.compile(
          "(?i)\\b(?:this (?:morning|afternoon|evening|week)|today|tonight|yesterday|tomorrow|last (?:night|week))\\b");
  static final Pattern SPAN = Pattern.compile("`([^`\\n]+(?:\\n[^`\\n]+)*)`");
  static final Pattern CHAIN =
      Pattern.compile("([A-Za-z_][\\w$]*(?:\\.[A-Za-z_][\\w$]*)*)(?:\\(.*\\))?", Pattern.DOTALL);
  static final Pattern DECLARATION =
      Pattern.compile(
          "(?m)^\\s*(?:(?:@\\w+(?:\\([^)]*\\))?|public|protected|private|static|final|abstract|sealed|non-sealed|strictfp)\\s+)*"
              + "(?:class|interface|record|enum|@interface)\\s+([A-Z]\\w*)");
  static final Pattern VARIABLE = Pattern.compile("\\bKMS_[A-Z0-9_]+");
  static final Pattern ADMIN_PATH = Pattern.compile("/admin/v1[^\\s`'\"()\\[\\],;?#|*]*");
  static final Pattern PLACEHOLDER =
      Pattern.compile("\\{[^}/]+}|<[^>/]+>|:\\w+|\\d+|[^/]*(?:\\.\\.\\.|…)");
  static final String METHODS = "GET|POST|PUT|DELETE|PATCH";

  /** {@code KMS_} variables that are not settings, each with who reads or sets it. */
  static final Map<String, String> OTHER_VARIABLES =
      Map.of(
          "KMS_CONFIG", "ConfigLoader: the YAML file to read instead of conf/kms.yaml",
          "KMS_TEST_PG_URL", "TestPostgres: the Postgres of the integration tests",
          "KMS_TEST_REDIS_URL", "TestRedis: the Redis of the Redis tests",
          "KMS_PORT",
              "what Kubernetes' service links would inject for the Service kms (the Deployment turns them off)",
          "KMS_SERVICE_HOST", "the same");

  static List<Document> documents;
  static Set<String> ourTypes;
  static Set<String> knownNames;

  /** One document: its path and text; offsets into the text map to 1-based lines. */
  record Document(Path path, String text) {
    String at(int offset) {
      return path
          + ":"
          + (1 + (int) text.substring(0, offset).chars().filter(c -> c == '\n').count());
    }
  }

  @BeforeAll
  static void read() throws IOException {
    List<Path> paths =
        new ArrayList<>(
            List.of(
                Path.of("README.md"), Path.of("load-tests", "README.md"), Path.of("Dockerfile")));
    paths.addAll(files(Path.of("docs"), p -> true));
    paths.addAll(files(Path.of("k8s"), p -> true));
    documents = new ArrayList<>();
    for (Path p : paths) {
      byte[] bytes = Files.readAllBytes(p);
      if (!hasNul(bytes)) {
        documents.add(new Document(p, new String(bytes, StandardCharsets.UTF_8)));
      }
    }
    ourTypes = new HashSet<>();
    for (Path root : List.of(Path.of("src"), Path.of("load-tests"))) {
      for (Path p : files(root, f -> f.toString().endsWith(".java"))) {
        DECLARATION.matcher(Files.readString(p)).results().forEach(m -> ourTypes.add(m.group(1)));
      }
    }
    knownNames = readNames(Path.of("src", "test", "resources", "docs", "known-names.txt"));
    for (ErrorCode c : ErrorCode.values()) {
      knownNames.addAll(Arrays.asList(c.v3Code().split("\\.")));
    }
    knownNames.addAll(wireNames(ActionCatalog.standard()));
  }

  /**
   * Every action's, input field's (ignored ones included) and answer field's name in every
   * protocol's spelling.
   */
  static Set<String> wireNames(ActionCatalog catalog) {
    Set<String> out = new HashSet<>();
    for (Action a : catalog.actions()) {
      for (Protocol p : Protocol.values()) {
        a.wireName(p).ifPresent(out::add);
        a.inputs(p).stream()
            .map(f -> f.spec(p))
            .filter(java.util.Objects::nonNull)
            .forEach(s -> out.addAll(s.names()));
        a.outputs(p).forEach(o -> out.add(p.fieldName(o)));
      }
      out.addAll(a.ignored());
    }
    return out;
  }

  @Test
  void documents_nameNoIssueNumbers() {
    assertNone(
        documents,
        d -> find(d, ISSUE, m -> true),
        "Documents describe the product as it is: say what is true now, not which issue it came from");
  }

  @Test
  void documents_useNoDatedWords() {
    assertNone(
        documents,
        d -> find(d, DATED, m -> true),
        "Dated words go stale by the next day: write the date (e.g. \"the 2026-11-27 morning run\") or drop the word");
  }

  @Test
  void backtickedTypeNames_areOurTypesOrKnownNames() {
    assertNone(
        documents,
        DocStalenessTest::unknownTypeNames,
        "These backticked names are no class under src/ or load-tests/: correct the name (the class may have been"
            + " renamed or removed), or, for an external or Tencent wire-level name, add it to"
            + " src/test/resources/docs/known-names.txt");
  }

  @Test
  void knownNames_areCheckedNamesAndNoneOfOurs() throws IOException {
    Set<String> listed = readNames(Path.of("src", "test", "resources", "docs", "known-names.txt"));
    assertThat(listed.stream().filter(n -> !CAMEL.matcher(n).matches()).toList())
        .as("known-names.txt lists only UpperCamelCase names (others are never checked)")
        .isEmpty();
    assertThat(listed.stream().filter(ourTypes::contains).toList())
        .as("known-names.txt must not list our own classes: it would hide their renaming")
        .isEmpty();
  }

  @Test
  void kmsVariables_areSettingsOrKnownVariables() {
    assertNone(
        documents,
        DocStalenessTest::unknownVariables,
        "These KMS_ variables are read by nothing: use the name in io.tkms.config.Setting (docs/configuration.md),"
            + " or, for a variable the code reads outside the registry, add it to DocStalenessTest.OTHER_VARIABLES");
  }

  @Test
  void adminPaths_areRoutesOfTheManagementApi() {
    List<Route> routes = adminRoutes();
    assertThat(routes).as("AdminApi's router has /admin/v1 routes").isNotEmpty();
    assertNone(
        documents,
        d -> unknownAdminPaths(d, routes),
        "These management API paths are no route of AdminApi.router (or not with that method): correct them,"
            + " writing a path parameter as {appId}, <AppId>, a number or AKID...");
  }

  @Test
  void rules_catchStaleText_andSpareWhatIsNoReference() {
    Document d =
        new Document(
            Path.of("t.md"),
            String.join(
                "\n",
                "Per process until issue 4 is built (#12). Measured this morning.",
                "A PKCS#11 HSA; `admin credentials issue 1234`; [link](#some-anchor); ## Heading",
                "`KeyMaterialCache.acquire(keyId)`, `io.tkms.application.port.RateLimiter`, `NoSuchClassHere.x`, `Pipeline`,",
                "`InvalidParameterValue.InvalidKeyId`, `PgConnectOptions`, `AES_256`.",
                "```",
                "`NotChecked` inside a fence",
                "```",
                "KMS_HTTP_PORT, KMS_ADMIN_TOKEN_FILE, KMS_HTTP_*, KMS_CONFIG, KMS_NO_SUCH, KMS_NOPE_*, KMS_PG_POOL_SIZE_FILE",
                "`PUT /admin/v1/accounts/{appId}/limits`, `DELETE /admin/v1/accounts/{appId}`, /admin/v1/…, /admin/v1/keys,",
                "curl -X POST localhost:9090/admin/v1/principals/1000/credentials; curl localhost:9090/admin/v1/accounts/list."));
    assertThat(find(d, ISSUE, m -> true)).containsExactly("t.md:1: issue 4", "t.md:1: #12");
    assertThat(find(d, DATED, m -> true)).containsExactly("t.md:1: this morning");
    assertThat(unknownTypeNames(d)).containsExactly("t.md:3: `NoSuchClassHere`");
    assertThat(unknownVariables(d))
        .containsExactly(
            "t.md:8: KMS_NO_SUCH", "t.md:8: KMS_NOPE_", "t.md:8: KMS_PG_POOL_SIZE_FILE");
    assertThat(unknownAdminPaths(d, adminRoutes()))
        .containsExactly(
            "t.md:9: DELETE /admin/v1/accounts/{appId}",
            "t.md:9: /admin/v1/keys",
            "t.md:10: GET /admin/v1/accounts/list");
  }

  static List<String> unknownTypeNames(Document d) {
    String text = withoutFences(d.text());
    List<String> found = new ArrayList<>();
    Matcher span = SPAN.matcher(text);
    while (span.find()) {
      Matcher chain = CHAIN.matcher(span.group(1).replaceAll("\\s*\\n\\s*", " ").strip());
      if (!chain.matches()) {
        continue;
      }
      Arrays.stream(chain.group(1).split("[.$]"))
          .filter(s -> !s.isEmpty() && Character.isUpperCase(s.charAt(0)))
          .findFirst()
          .filter(
              s -> CAMEL.matcher(s).matches() && !ourTypes.contains(s) && !knownNames.contains(s))
          .ifPresent(s -> found.add(d.at(span.start()) + ": `" + s + "`"));
    }
    return found;
  }

  static List<String> unknownVariables(Document d) {
    List<String> all = new ArrayList<>(OTHER_VARIABLES.keySet());
    for (Setting s : Setting.values()) {
      all.add(s.env());
      all.add(s.env() + "_FILE");
    }
    return find(
        d,
        VARIABLE,
        m ->
            m.group().endsWith("_")
                ? all.stream().noneMatch(v -> v.startsWith(m.group()) && known(v))
                : !known(m.group()));
  }

  static boolean known(String variable) {
    return Setting.isKnownEnv(variable) || OTHER_VARIABLES.containsKey(variable);
  }

  static List<String> unknownAdminPaths(Document d, List<Route> routes) {
    List<String> found = new ArrayList<>();
    Matcher m = ADMIN_PATH.matcher(d.text());
    while (m.find()) {
      String path = m.group().endsWith("...") ? m.group() : m.group().replaceAll("[.:]+$", "");
      int lineEnd = d.text().indexOf('\n', m.start());
      String before = d.text().substring(d.text().lastIndexOf('\n', m.start()) + 1, m.start());
      String after = d.text().substring(m.end(), lineEnd < 0 ? d.text().length() : lineEnd);
      for (String method : methods(before, after)) {
        if (routes.stream().noneMatch(r -> matches(path, r, method))) {
          found.add(d.at(m.start()) + ": " + (method.isEmpty() ? "" : method + " ") + path);
        }
      }
    }
    return found;
  }

  /**
   * The methods written for a path, from the text before and after it on its line: "PUT/GET " right
   * before it, or its curl command's; {""} (any method) when none is written.
   */
  static List<String> methods(String before, String after) {
    Matcher named =
        Pattern.compile("\\b((?:" + METHODS + ")(?:/(?:" + METHODS + "))*) $").matcher(before);
    if (named.find()) {
      return List.of(named.group(1).split("/"));
    }
    int curl = before.lastIndexOf("curl ");
    if (curl < 0) {
      return List.of("");
    }
    Matcher x = Pattern.compile("-X\\s+(" + METHODS + ")\\b").matcher(before.substring(curl));
    String rest = after.split(";|&&|\\|", 2)[0];
    return List.of(
        x.find()
            ? x.group(1)
            : (before.substring(curl) + rest).matches(".*\\s(-d|--data\\S*)\\s.*")
                ? "POST"
                : "GET");
  }

  static boolean matches(String docPath, Route route, String method) {
    if (!method.isEmpty()
        && route.methods() != null
        && !route.methods().contains(HttpMethod.valueOf(method))) {
      return false;
    }
    List<String> doc = new ArrayList<>(segments(docPath.substring("/admin/v1".length())));
    boolean under = doc.isEmpty() || doc.get(doc.size() - 1).matches("\\.\\.\\.|…");
    if (under && !doc.isEmpty()) {
      doc.remove(doc.size() - 1);
    }
    List<String> served = segments(route.getPath().substring("/admin/v1".length()));
    if (under ? served.size() < doc.size() : served.size() != doc.size()) {
      return false;
    }
    for (int i = 0; i < doc.size(); i++) {
      boolean parameter = served.get(i).startsWith(":");
      if (parameter != PLACEHOLDER.matcher(doc.get(i)).matches()
          || !parameter && !served.get(i).equals(doc.get(i))) {
        return false;
      }
    }
    return true;
  }

  static List<Route> adminRoutes() {
    Vertx vertx = Vertx.vertx();
    try {
      // Building the router touches none of the services; the token is only digested.
      return new AdminApi(null, null, null, null, new byte[16], null, 0)
          .router(vertx).getRoutes().stream()
              .filter(r -> r.getPath() != null && r.getPath().startsWith("/admin/v1"))
              .toList();
    } finally {
      vertx.close().await();
    }
  }

  static List<String> segments(String path) {
    return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
  }

  /** Where {@code p} matches and {@code offending} holds, as "file:line: match". */
  static List<String> find(Document d, Pattern p, Predicate<Matcher> offending) {
    List<String> found = new ArrayList<>();
    Matcher m = p.matcher(d.text());
    while (m.find()) {
      if (offending.test(m)) {
        found.add(d.at(m.start()) + ": " + m.group());
      }
    }
    return found;
  }

  static void assertNone(
      List<Document> docs, Function<Document, List<String>> check, String whatToDo) {
    List<String> problems = docs.stream().flatMap(d -> check.apply(d).stream()).toList();
    assertThat(problems)
        .withFailMessage(() -> whatToDo + ":\n  " + String.join("\n  ", problems))
        .isEmpty();
  }

  /** Blanks fenced code blocks, where backticks are not code spans; offsets stay the same. */
  static String withoutFences(String text) {
    StringBuilder sb = new StringBuilder();
    boolean fenced = false;
    for (String line : text.split("\n", -1)) {
      boolean fence = line.stripLeading().startsWith("```");
      sb.append(fenced || fence ? " ".repeat(line.length()) : line).append('\n');
      fenced ^= fence;
    }
    return sb.substring(0, text.length());
  }

  static Set<String> readNames(Path file) throws IOException {
    return Files.readAllLines(file).stream()
        .map(l -> l.replaceAll("#.*", "").strip())
        .filter(l -> !l.isEmpty())
        .collect(Collectors.toCollection(HashSet::new));
  }

  static List<Path> files(Path root, Predicate<Path> wanted) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.toString().contains("/target/"))
          .filter(wanted)
          .sorted()
          .toList();
    }
  }

  static boolean hasNul(byte[] bytes) {
    for (byte b : bytes) {
      if (b == 0) {
        return true;
      }
    }
    return false;
  }
}
