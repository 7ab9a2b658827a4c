package io.tkms.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @Test
  void durations_acceptSecondsAndUnits() {
    assertEquals(Duration.ofSeconds(90), Settings.parseDuration("90"));
    assertEquals(Duration.ofSeconds(90), Settings.parseDuration("90s"));
    assertEquals(Duration.ofMillis(500), Settings.parseDuration("500ms"));
    assertEquals(Duration.ofMinutes(10), Settings.parseDuration("10m"));
    assertEquals(Duration.ofMinutes(90), Settings.parseDuration("1h30m"));
    assertThrows(IllegalArgumentException.class, () -> Settings.parseDuration("2 hours"));
    assertThrows(IllegalArgumentException.class, () -> Settings.parseDuration("-5s"));
  }

  @Test
  void hostHeader_keepsOnlyANonDefaultPort() {
    assertEquals("127.0.0.1:8080", Settings.hostHeader(URI.create("http://127.0.0.1:8080")));
    assertEquals("kms.example.com", Settings.hostHeader(URI.create("https://kms.example.com:443")));
    assertEquals("kms.example.com", Settings.hostHeader(URI.create("http://kms.example.com")));
    assertEquals("kms.example.com:80", Settings.hostHeader(URI.create("https://kms.example.com:80")));
    assertThrows(IllegalArgumentException.class, () -> Settings.hostHeader(URI.create("ftp://x:21")));
  }

  @Test
  void credentialsFile_inTheServersDevCredentialsFormat(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("dev-credentials");
    Files.writeString(f, "# Development credential\nappId=1250000000\nuin=1250000000\nsecretId=AKIDabc\nsecretKey=s3cr=t\n");
    Settings.Credentials c = Settings.parseCredentialsFile(f);
    assertEquals("AKIDabc", c.secretId());
    assertEquals("s3cr=t", c.secretKey());
    assertEquals("Credentials[secretId=AKIDabc, secretKey=redacted]", c.toString());
    Files.writeString(f, "appId=1\nsecretId=AKIDabc\n");
    assertThrows(IllegalArgumentException.class, () -> Settings.parseCredentialsFile(f));
  }
}
