package io.tkms.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rule of STYLE.md, enforced: inner layers never reach outwards, adapters never reach
 * each other.
 */
class ArchitectureTest {
  static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tkms");
  }

  @Test
  void error_dependsOnTheJdkOnly() {
    classes()
        .that()
        .resideInAPackage("io.tkms.error..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "io.tkms.error..")
        .check(classes);
  }

  @Test
  void domain_dependsOnTheJdkAndErrorOnly() {
    classes()
        .that()
        .resideInAPackage("io.tkms.domain..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "io.tkms.domain..", "io.tkms.error..")
        .check(classes);
  }

  @Test
  void config_dependsOnTheJdkAndYamlOnly() {
    classes()
        .that()
        .resideInAPackage("io.tkms.config..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "io.tkms.config..", "org.yaml.snakeyaml..")
        .check(classes);
  }

  @Test
  void crypto_neverTouchesVertxOrAdapters() {
    classes()
        .that()
        .resideInAPackage("io.tkms.crypto..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..",
            "javax.crypto..",
            "org.bouncycastle..",
            "io.tkms.crypto..",
            "io.tkms.domain..",
            "io.tkms.error..")
        .check(classes);
  }

  @Test
  void application_usesOnlyFuturesFromVertx_andNoAdapter() {
    // Event loops are behind the EventLoops port (adapter.worker). CompositeFuture is not allowed
    // either: calling a method on what Future.all/join return makes it a dependency, so the
    // application widens their result to Future first.
    classes()
        .that()
        .resideInAPackage("io.tkms.application..")
        .should()
        .onlyDependOnClassesThat(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "the JDK, the inner packages, Caffeine, or Vert.x Future/Promise",
                c ->
                    c.getPackageName().startsWith("java.")
                        || c.getPackageName().startsWith("io.tkms.application")
                        || c.getPackageName().startsWith("io.tkms.domain")
                        || c.getPackageName().startsWith("io.tkms.crypto")
                        || c.getPackageName().startsWith("io.tkms.error")
                        || c.getPackageName().startsWith("com.github.benmanes.caffeine")
                        || c.getName().equals("io.vertx.core.Future")
                        || c.getName().equals("io.vertx.core.Promise")))
        .check(classes);
  }

  @Test
  void cli_usesOnlyTheJdkPicocliConfigAndJson() {
    // The admin command line talks to the server over HTTP only: no adapter, no application
    // internals.
    classes()
        .that()
        .resideInAPackage("io.tkms.cli..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..", "picocli..", "io.tkms.cli..", "io.tkms.config..", "io.vertx.core.json")
        .check(classes);
    noClasses()
        .that()
        .resideOutsideOfPackages("io.tkms.boot..", "io.tkms.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.tkms.cli..")
        .check(classes);
  }

  @Test
  void adapters_neverDependOnEachOther() {
    SlicesRuleDefinition.slices()
        .matching("io.tkms.adapter.(*)..")
        .should()
        .notDependOnEachOther()
        .check(classes);
  }

  @Test
  void protocolAdapters_neverDependOnEachOther() {
    // Each may use the HTTP core (pipeline), the action declarations, wire and auth; never another
    // protocol.
    for (String p : List.of("v2", "v3", "admin")) {
      String[] others =
          List.of("v2", "v3", "admin").stream()
              .filter(o -> !o.equals(p))
              .map(o -> "io.tkms.adapter.http." + o + "..")
              .toArray(String[]::new);
      noClasses()
          .that()
          .resideInAPackage("io.tkms.adapter.http." + p + "..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(others)
          .check(classes);
    }
  }

  @Test
  void wireAndAuth_useNeitherProtocolNorTheCore() {
    noClasses()
        .that()
        .resideInAnyPackage("io.tkms.adapter.http.wire..", "io.tkms.adapter.http.auth..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.tkms.adapter.http",
            "io.tkms.adapter.http.v2..",
            "io.tkms.adapter.http.v3..",
            "io.tkms.adapter.http.admin..",
            "io.tkms.adapter.http.action..")
        .check(classes);
  }

  @Test
  void httpCore_andActions_knowNoProtocolPackage() {
    // The route table is wired by boot, so the core never imports the endpoints that import it.
    noClasses()
        .that()
        .resideInAnyPackage("io.tkms.adapter.http", "io.tkms.adapter.http.action..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.tkms.adapter.http.v2..",
            "io.tkms.adapter.http.v3..",
            "io.tkms.adapter.http.admin..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("io.tkms.adapter.http")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.tkms.adapter.http.action..")
        .check(classes);
  }

  @Test
  void noPackageCycles_anywhere() {
    SlicesRuleDefinition.slices().matching("io.tkms.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void onlyBoot_constructsAdapters() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.tkms.boot..", "io.tkms.adapter..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.tkms.adapter..")
        .check(classes);
    noClasses()
        .that()
        .resideOutsideOfPackage("io.tkms.boot..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.tkms.boot..")
        .check(classes);
  }

  @Test
  void innerLayers_neverSeeVertxWebOrTheDatabase() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.tkms.domain..", "io.tkms.crypto..", "io.tkms.application..", "io.tkms.error..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.vertx.ext..", "io.vertx.sqlclient..", "io.vertx.pgclient..", "io.vertx.core.http..")
        .check(classes);
  }
}
