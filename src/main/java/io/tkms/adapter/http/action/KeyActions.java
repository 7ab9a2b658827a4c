package io.tkms.adapter.http.action;

import static io.tkms.adapter.http.Protocol.V2;
import static io.tkms.adapter.http.Protocol.V3;
import static io.tkms.adapter.http.action.Fields.ALIAS;
import static io.tkms.adapter.http.action.Fields.DESCRIPTION;
import static io.tkms.adapter.http.action.Fields.HSM_CLUSTER_ID;
import static io.tkms.adapter.http.action.Fields.KEY_ID;
import static io.tkms.adapter.http.action.Fields.KEY_IDS;
import static io.tkms.adapter.http.action.Fields.KEY_TYPE;
import static io.tkms.adapter.http.action.Fields.KEY_USAGE;
import static io.tkms.adapter.http.action.Fields.LIMIT;
import static io.tkms.adapter.http.action.Fields.OFFSET;
import static io.tkms.adapter.http.action.Fields.ROLE;
import static io.tkms.adapter.http.action.Fields.TAGS;
import static io.tkms.adapter.http.action.Fields.TAG_FILTERS;

import io.tkms.application.KeyService;
import io.tkms.application.port.KeyQuery;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.KeyOrigin;
import io.tkms.domain.KeyState;
import io.tkms.domain.KeyUsage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Creating, describing, listing and renaming CMKs (management limiter group). The state changes are
 * in {@link KeyStateActions}, rotation in {@link RotationActions}.
 */
final class KeyActions {
  private KeyActions() {}

  static final Action CREATE_KEY =
      Action.management("CreateKey")
          .v2()
          .inputs(ALIAS.optional(V2), DESCRIPTION, KEY_USAGE, KEY_TYPE, HSM_CLUSTER_ID, TAGS)
          .outputs(V2, "KeyMetadata")
          .outputs(
              V3,
              "KeyId",
              "Alias",
              "CreateTime",
              "Description",
              "KeyState",
              "KeyUsage",
              "TagCode",
              "TagMsg",
              "HsmClusterId")
          .note(
              "the CMK is Enabled, with fresh material from the HSA (an asymmetric usage: a key pair"
                  + " whose private key never leaves the server); with Type 2 it is PendingImport,"
                  + " without material, until ImportKeyMaterial")
          .handler(KeyActions::createKey);

  static final Action DESCRIBE_KEY =
      Action.management("DescribeKey")
          .v2("GetKeyAttributes")
          .inputs(KEY_ID)
          .outputs("KeyMetadata")
          .handler(
              c ->
                  c.keys()
                      .describe(c.caller(), c.get(KEY_ID))
                      .map(
                          md ->
                              c.result().put("KeyMetadata", KeyViews.metadata(c.protocol(), md))));

  static final Action DESCRIBE_KEYS =
      Action.management("DescribeKeys")
          .inputs(KEY_IDS)
          .outputs("KeyMetadatas")
          .note("ids the caller has no key for are left out")
          .handler(KeyActions::describeKeys);

  static final Action LIST_KEYS =
      Action.management("ListKeys")
          .v2("ListKey")
          .inputs(OFFSET, LIMIT, ROLE)
          .ignores("HsmClusterId")
          .outputs("Keys", "TotalCount")
          .note("oldest first")
          .handler(KeyActions::listKeys);

  static final Field<Integer> ORDER_TYPE =
      Field.integer("OrderType", 0, 1).orElse(0).doc("0: newest first, 1: oldest first");
  static final Field<Integer> KEY_STATE_FILTER =
      Field.integer("KeyState", 0, 5)
          .orElse(0)
          .doc("0 all, 1 Enabled, 2 Disabled, 3 PendingDelete, 4 PendingImport, 5 Archived");
  static final Field<String> ORIGIN_FILTER =
      Field.string("Origin").doc("`ALL`, `TENCENT_KMS` or `EXTERNAL` (others match no key)");
  static final Field<String> KEY_USAGE_FILTER =
      Field.string("KeyUsage")
          .doc(
              "`ALL`, or one usage (`ENCRYPT_DECRYPT`, `ASYMMETRIC_…`); none: `ENCRYPT_DECRYPT` only"
                  + " (others match no key)");
  static final Field<String> SEARCH_KEY_ALIAS =
      Field.string("SearchKeyAlias").doc("a substring of the key id or alias, any case");

  static final Action LIST_KEY_DETAIL =
      Action.management("ListKeyDetail")
          .inputs(
              TAG_FILTERS,
              OFFSET,
              LIMIT,
              ORDER_TYPE,
              KEY_STATE_FILTER,
              ORIGIN_FILTER,
              KEY_USAGE_FILTER,
              ROLE,
              SEARCH_KEY_ALIAS)
          .ignores("HsmClusterId", "MemberAccounts")
          .outputs("TotalCount", "KeyMetadatas")
          .handler(KeyActions::listKeyDetail);

  static final Action UPDATE_ALIAS =
      Action.management("UpdateAlias")
          .v2("SetKeyAttributes")
          .inputs(V3, ALIAS, KEY_ID)
          .inputs(V2, KEY_ID, ALIAS)
          .handler(
              c -> c.keys().setAlias(c.caller(), c.get(KEY_ID), c.get(ALIAS)).map(v -> c.result()));

  static final Field<String> NEW_DESCRIPTION = DESCRIPTION.required();

  static final Action UPDATE_KEY_DESCRIPTION =
      Action.management("UpdateKeyDescription")
          .inputs(NEW_DESCRIPTION, KEY_ID)
          .handler(
              c ->
                  c.keys()
                      .setDescription(c.caller(), c.get(KEY_ID), c.get(NEW_DESCRIPTION))
                      .map(v -> c.result()));

  static final List<Action> ALL =
      List.of(
          CREATE_KEY,
          DESCRIBE_KEY,
          DESCRIBE_KEYS,
          LIST_KEYS,
          LIST_KEY_DETAIL,
          UPDATE_ALIAS,
          UPDATE_KEY_DESCRIPTION);

  private static Future<Result> createKey(Call c) {
    KeyService.NewKey key =
        KeyService.NewKey.DEFAULT
            .withTags(c.get(TAGS))
            .withUsage(c.get(KEY_USAGE))
            .withOrigin(c.get(KEY_TYPE));
    key = c.find(ALIAS).map(key::withAlias).orElse(key);
    key = c.find(DESCRIPTION).map(key::withDescription).orElse(key);
    return c.keys()
        .create(c.caller(), key)
        .map(
            md -> {
              c.keyId(md.keyId());
              if (c.protocol() == V2) {
                return c.result().put("KeyMetadata", KeyViews.metadata(V2, md));
              }
              return c.result()
                  .put("KeyId", md.keyId().toString())
                  .put("Alias", md.alias())
                  .put("CreateTime", md.createTime())
                  .put("Description", md.description())
                  .put("KeyState", md.state().wireName())
                  .put("KeyUsage", Spellings.keyUsage(V3, md.usage()))
                  .put("TagCode", 0)
                  .put("TagMsg", "")
                  .put("HsmClusterId", "");
            });
  }

  /** The origin named {@code text}, or null. */
  private static KeyOrigin originNamed(String text) {
    for (KeyOrigin o : KeyOrigin.values()) {
      if (o.name().equals(text)) {
        return o;
      }
    }
    return null;
  }

  /** The usage named {@code text}, or null. */
  private static KeyUsage usageNamed(String text) {
    for (KeyUsage u : KeyUsage.values()) {
      if (u.name().equals(text)) {
        return u;
      }
    }
    return null;
  }

  private static Future<Result> describeKeys(Call c) {
    List<Future<Optional<KeyMetadata>>> found = new ArrayList<>();
    for (KeyId id : c.get(KEY_IDS)) {
      found.add(c.keys().describe(c.caller(), id).map(Optional::of).otherwise(Optional.empty()));
    }
    return Future.all(found)
        .map(
            all -> {
              JsonArray arr = new JsonArray();
              for (Future<Optional<KeyMetadata>> f : found) {
                f.result().ifPresent(md -> arr.add(KeyViews.metadata(c.protocol(), md)));
              }
              return c.result().put("KeyMetadatas", arr);
            });
  }

  private static Future<Result> listKeys(Call c) {
    if (c.get(ROLE) == 1) {
      return Future.succeededFuture(c.result().put("Keys", new JsonArray()).put("TotalCount", 0));
    }
    return c.keys()
        .list(c.caller(), c.get(OFFSET), c.get(LIMIT))
        .map(
            page -> {
              JsonArray arr = new JsonArray();
              page.keys()
                  .forEach(k -> arr.add(c.object().put("KeyId", k.keyId().toString()).json()));
              return c.result().put("Keys", arr).put("TotalCount", page.totalCount());
            });
  }

  private static Future<Result> listKeyDetail(Call c) {
    int state = c.get(KEY_STATE_FILTER);
    String origin = c.find(ORIGIN_FILTER).orElse("ALL");
    // As Tencent: no KeyUsage filter lists the symmetric keys only.
    String usage = c.find(KEY_USAGE_FILTER).orElse(KeyUsage.ENCRYPT_DECRYPT.name());
    KeyUsage only = usage.equals("ALL") ? null : usageNamed(usage);
    KeyOrigin onlyOrigin = origin.equals("ALL") ? null : originNamed(origin);
    boolean none =
        c.get(ROLE) == 1
            || (!origin.equals("ALL") && onlyOrigin == null)
            || (!usage.equals("ALL") && only == null);
    if (none) {
      return Future.succeededFuture(
          c.result().put("TotalCount", 0).put("KeyMetadatas", new JsonArray()));
    }
    KeyQuery query =
        KeyQuery.page(c.get(OFFSET), c.get(LIMIT))
            .withAscending(c.get(ORDER_TYPE) == 1)
            .withTagFilters(c.get(TAG_FILTERS));
    query =
        switch (state) {
          case 1 -> query.withState(KeyState.ENABLED);
          case 2 -> query.withState(KeyState.DISABLED);
          case 3 -> query.withState(KeyState.PENDING_DELETE);
          case 4 -> query.withState(KeyState.PENDING_IMPORT);
          case 5 -> query.withState(KeyState.ARCHIVED);
          default -> query;
        };
    query = c.find(SEARCH_KEY_ALIAS).map(query::withSearch).orElse(query);
    if (only != null) {
      query = query.withUsage(only);
    }
    if (onlyOrigin != null) {
      query = query.withOrigin(onlyOrigin);
    }
    return c.keys()
        .query(c.caller(), query)
        .map(
            page -> {
              JsonArray arr = new JsonArray();
              page.keys().forEach(k -> arr.add(KeyViews.metadata(c.protocol(), k)));
              return c.result().put("TotalCount", page.totalCount()).put("KeyMetadatas", arr);
            });
  }
}
