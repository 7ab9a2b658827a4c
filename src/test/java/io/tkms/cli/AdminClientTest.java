package io.tkms.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.config.Setting;
import org.junit.jupiter.api.Test;

class AdminClientTest {
  @Test
  void defaultUrl_isTheServersDefaultManagementListener() {
    assertThat(ClientOptions.DEFAULT_URL)
        .isEqualTo(
            "http://"
                + Setting.ADMIN_HOST.defaultValue()
                + ":"
                + Setting.ADMIN_PORT.defaultValue());
  }

  @Test
  void segment_encodesEverythingThatCouldLeaveThePathSegment() {
    assertThat(AdminClient.segment("1250000001")).isEqualTo("1250000001");
    assertThat(AdminClient.segment("AKIDabc-_~.x")).isEqualTo("AKIDabc-_~.x");
    assertThat(AdminClient.segment("../accounts")).isEqualTo("..%2Faccounts");
    assertThat(AdminClient.segment("..")).isEqualTo("%2E%2E");
    assertThat(AdminClient.segment(".")).isEqualTo("%2E");
    assertThat(AdminClient.segment("a b?c#d%e")).isEqualTo("a%20b%3Fc%23d%25e");
    assertThat(AdminClient.segment("é")).isEqualTo("%C3%A9");
  }

  @Test
  void baseUrl_acceptsHttpAndHttpsOnly_withoutQueryOrCredentials() {
    assertThat(AdminClient.baseUrl("http://127.0.0.1:9090/")).isEqualTo("http://127.0.0.1:9090");
    assertThat(AdminClient.baseUrl("https://kms-admin.internal/base//"))
        .isEqualTo("https://kms-admin.internal/base");
    for (String bad :
        new String[] {
          "ftp://h:1",
          "127.0.0.1:9090",
          "http://h:1/?q=1",
          "http://user:pw@h:1",
          "not a url",
          "http://"
        }) {
      assertThatThrownBy(() -> AdminClient.baseUrl(bad))
          .as(bad)
          .isInstanceOfSatisfying(
              CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE));
    }
  }
}
