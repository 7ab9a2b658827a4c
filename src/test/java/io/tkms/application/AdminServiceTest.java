package io.tkms.application;

import static io.tkms.application.fakes.Outcomes.failure;
import static io.tkms.application.fakes.Outcomes.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.application.AdminService.IssuedCredential;
import io.tkms.application.CredentialCache.Credential;
import io.tkms.application.port.AccountRepository.Account;
import io.tkms.application.port.AccountRepository.CredentialInfo;
import io.tkms.application.port.AccountRepository.Principal;
import io.tkms.application.port.AccountRepository.PrincipalType;
import io.tkms.application.port.ChangeBus.Change;
import io.tkms.application.port.ChangeBus.Kind;
import io.tkms.domain.SecretBytes;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Accounts, principals and credentials over in-memory fakes: input checks, conflicts, credentials
 * issued and revoked (and what the credential cache then believes), and the idempotent bootstrap.
 */
class AdminServiceTest {
  private static final String APP = "1250000001";
  private static final String OWNER = "100001";

  private final InMemoryKms kms = new InMemoryKms();
  private final AdminService admin = kms.admin;

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private Optional<Credential> cached(String secretId) {
    return succeeded(kms.credentials.find(secretId));
  }

  @Test
  void createAccount_makesTheUinItsOwner() {
    succeeded(admin.createAccount(APP, OWNER));
    Account a = succeeded(admin.account(APP));
    assertThat(a.appId()).isEqualTo(APP);
    assertThat(a.principals()).containsExactly(new Principal(OWNER, APP, PrincipalType.OWNER));
    assertThat(a.credentials()).isEmpty();
    assertThat(succeeded(admin.listAccounts())).containsExactly(APP);
  }

  @Test
  void createAccount_withIdsThatAreNotDecimalUnsigned64BitNumbers_failsWithInvalidParameterValue() {
    assertThat(failure(admin.createAccount("12a", OWNER)))
        .isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    assertThat(failure(admin.createAccount(APP, "-1")))
        .isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    assertThat(failure(admin.createAccount("18446744073709551616", OWNER)))
        .isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    assertThat(succeeded(admin.listAccounts())).isEmpty();
  }

  @Test
  void createAccount_whoseAppIdOrOwnerExists_failsWithConflict() {
    succeeded(admin.createAccount(APP, OWNER));
    assertThat(failure(admin.createAccount(APP, "100002"))).isEqualTo(ErrorCode.CONFLICT);
    assertThat(failure(admin.createAccount("1250000002", OWNER))).isEqualTo(ErrorCode.CONFLICT);
  }

  @Test
  void account_thatDoesNotExist_failsWithNotFound() {
    assertThat(failure(admin.account(APP))).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void addPrincipal_addsSubUsersAndCollaborators_andAnnouncesTheAccountChange() {
    succeeded(admin.createAccount(APP, OWNER));
    succeeded(admin.addPrincipal(APP, "200", "sub"));
    succeeded(admin.addPrincipal(APP, "300", "collaborator"));

    assertThat(succeeded(admin.account(APP)).principals())
        .contains(
            new Principal("200", APP, PrincipalType.SUB),
            new Principal("300", APP, PrincipalType.COLLABORATOR));
    assertThat(kms.bus.published())
        .containsExactly(new Change(Kind.ACCOUNT, APP), new Change(Kind.ACCOUNT, APP));
  }

  @Test
  void addPrincipal_withAnotherType_orANonDecimalUin_failsWithInvalidParameterValue() {
    succeeded(admin.createAccount(APP, OWNER));
    assertThat(failure(admin.addPrincipal(APP, "200", "owner")))
        .isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    assertThat(failure(admin.addPrincipal(APP, "2x", "sub")))
        .isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    assertThat(kms.bus.published()).isEmpty();
  }

  @Test
  void addPrincipal_toAnUnknownAccount_failsWithNotFound_andOfAnExistingUin_withConflict() {
    succeeded(admin.createAccount(APP, OWNER));
    assertThat(failure(admin.addPrincipal("1250000009", "200", "sub")))
        .isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(admin.addPrincipal(APP, OWNER, "sub"))).isEqualTo(ErrorCode.CONFLICT);
  }

  @Test
  void issueCredential_givesAnAkidAndA32CharacterSecret_thatTheCredentialCacheThenKnows() {
    succeeded(admin.createAccount(APP, OWNER));
    IssuedCredential issued = succeeded(admin.issueCredential(OWNER));

    assertThat(issued.secretId()).matches("AKID[A-Za-z0-9]{32}");
    assertThat(new String(issued.secretKey().bytes(), StandardCharsets.US_ASCII))
        .matches("[A-Za-z0-9]{32}");
    Credential c = cached(issued.secretId()).orElseThrow();
    assertThat(c.appId()).isEqualTo(APP);
    assertThat(c.uin()).isEqualTo(OWNER);
    assertThat(c.type()).isEqualTo(PrincipalType.OWNER);
    assertThat(c.enabled()).isTrue();
    assertThat(c.secretKey().bytes()).isEqualTo(issued.secretKey().bytes());
    assertThat(kms.bus.published()).containsExactly(new Change(Kind.CREDENTIAL, issued.secretId()));
  }

  @Test
  void credentialSecrets_comeFromTheHsasRandomSource() {
    succeeded(admin.createAccount(APP, OWNER));
    long before = kms.hsa.randomBytesDrawn();
    succeeded(admin.issueCredential(OWNER)).secretKey().close();
    // Two 32-character strings by rejection sampling: at least 64 bytes drawn.
    assertThat(kms.hsa.randomBytesDrawn() - before).isGreaterThanOrEqualTo(64);
  }

  @Test
  void issueCredential_storesTheSecretWrapped_boundToItsSecretIdPrincipalAndAccount() {
    succeeded(admin.createAccount(APP, OWNER));
    IssuedCredential issued = succeeded(admin.issueCredential(OWNER));

    var stored = kms.accounts.stored(issued.secretId()).orElseThrow();
    try (SecretBytes unwrapped =
        kms.hsa.unwrap(
            stored.secret(),
            CredentialCache.wrapContext(issued.secretId(), OWNER, PrincipalType.OWNER, APP))) {
      assertThat(unwrapped.bytes()).isEqualTo(issued.secretKey().bytes());
    }
    for (String other :
        List.of(
            CredentialCache.wrapContext(issued.secretId(), "100002", PrincipalType.OWNER, APP),
            CredentialCache.wrapContext(issued.secretId(), OWNER, PrincipalType.SUB, APP),
            CredentialCache.wrapContext(
                issued.secretId(), OWNER, PrincipalType.OWNER, "1250000002"),
            CredentialCache.legacyWrapContext(issued.secretId()))) {
      assertThatThrownBy(() -> kms.hsa.unwrap(stored.secret(), other))
          .isInstanceOf(KmsException.class);
    }
  }

  @Test
  void issueCredential_forAnUnknownPrincipal_failsWithNotFound() {
    assertThat(failure(admin.issueCredential("404"))).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void issuedCredentials_differ() {
    succeeded(admin.createAccount(APP, OWNER));
    IssuedCredential a = succeeded(admin.issueCredential(OWNER));
    IssuedCredential b = succeeded(admin.issueCredential(OWNER));
    assertThat(a.secretId()).isNotEqualTo(b.secretId());
    assertThat(a.secretKey().bytes()).isNotEqualTo(b.secretKey().bytes());
    assertThat(succeeded(admin.account(APP)).credentials())
        .extracting(CredentialInfo::secretId)
        .containsExactlyInAnyOrder(a.secretId(), b.secretId());
  }

  @Test
  void revokeCredential_disablesIt_inThisReplicasCacheAtOnce_andAnnouncesIt() {
    succeeded(admin.createAccount(APP, OWNER));
    IssuedCredential issued = succeeded(admin.issueCredential(OWNER));
    assertThat(cached(issued.secretId()).orElseThrow().enabled()).isTrue();

    succeeded(admin.revokeCredential(issued.secretId()));
    assertThat(cached(issued.secretId()).orElseThrow().enabled()).isFalse();
    assertThat(kms.bus.published()).endsWith(new Change(Kind.CREDENTIAL, issued.secretId()));
  }

  @Test
  void revokeCredential_ofAnUnknownSecretId_failsWithNotFound() {
    assertThat(failure(admin.revokeCredential("AKIDnothing"))).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void ensureCredential_createsTheAccountItsOwnerAndTheCredential_once() {
    byte[] key = ascii("bootstrapSecretKey0123456789abcd");
    assertThat(cached("AKIDboot")).as("unknown before").isEmpty();

    succeeded(admin.ensureCredential(APP, OWNER, "AKIDboot", key));
    succeeded(admin.ensureCredential(APP, OWNER, "AKIDboot", key));

    assertThat(succeeded(admin.account(APP)).principals())
        .containsExactly(new Principal(OWNER, APP, PrincipalType.OWNER));
    assertThat(cached("AKIDboot").orElseThrow().secretKey().bytes()).isEqualTo(key);
    assertThat(key)
        .as("the caller still owns the key")
        .isEqualTo(ascii("bootstrapSecretKey0123456789abcd"));
  }

  @Test
  void ensureCredential_forANewUinOfAnExistingAccount_addsItAsASubUser() {
    succeeded(admin.createAccount(APP, OWNER));
    succeeded(admin.ensureCredential(APP, "200", "AKIDsub", ascii("k")));
    assertThat(succeeded(admin.account(APP)).principals())
        .contains(new Principal("200", APP, PrincipalType.SUB));
  }

  @Test
  void ensureCredential_withAnotherKeyForAnExistingSecretId_failsWithConflict() {
    succeeded(admin.ensureCredential(APP, OWNER, "AKIDboot", ascii("one")));
    assertThat(failure(admin.ensureCredential(APP, OWNER, "AKIDboot", ascii("two"))))
        .isEqualTo(ErrorCode.CONFLICT);
  }

  @Test
  void ensureCredential_whenTheSecretIdBelongsToAnotherPrincipal_failsWithConflict() {
    succeeded(admin.ensureCredential(APP, OWNER, "AKIDboot", ascii("one")));
    succeeded(admin.addPrincipal(APP, "200", "sub"));
    assertThat(failure(admin.ensureCredential(APP, "200", "AKIDboot", ascii("one"))))
        .isEqualTo(ErrorCode.CONFLICT);
  }

  @Test
  void ensureCredential_whenTheUinBelongsToAnotherAccount_failsWithConflict() {
    succeeded(admin.createAccount("1250000002", OWNER));
    succeeded(admin.createAccount(APP, "100002"));
    assertThat(failure(admin.ensureCredential(APP, OWNER, "AKIDboot", ascii("k"))))
        .isEqualTo(ErrorCode.CONFLICT);
  }
}
