package io.tkms.adapter.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.adapter.pg.Migrator.Migration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The migration index and which of its migrations a database still needs. */
class MigratorTest {
  private static Migration m(int version) {
    return new Migration(version, "V" + version + "__x.sql", "");
  }

  @Test
  void pending_isEveryMigrationNotRecorded_evenBelowTheHighestApplied() {
    List<Migration> all = List.of(m(1), m(2), m(8), m(9), m(10));
    // A database that got V10 before V9 existed (its number was left free for a change in flight).
    assertThat(Migrator.pending(all, Set.of(1, 2, 8, 10)))
        .extracting(Migration::version)
        .containsExactly(9);
    assertThat(Migrator.pending(all, Set.of(-1, 1, 2, 8, 9, 10))).isEmpty();
    assertThat(Migrator.pending(all, Set.of()))
        .extracting(Migration::version)
        .containsExactly(1, 2, 8, 9, 10);
  }

  @Test
  void theIndex_listsEveryMigrationFileOnce_inAscendingOrder() throws IOException {
    List<Migration> indexed = Migrator.migrations();
    List<Integer> versions = indexed.stream().map(Migration::version).toList();
    assertThat(versions).isSorted().doesNotHaveDuplicates();
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")))
          .containsExactlyInAnyOrderElementsOf(indexed.stream().map(Migration::name).toList());
    }
  }
}
