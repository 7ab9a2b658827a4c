package io.tkms.boot;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version and commit this server was built from, as Maven wrote them into {@code
 * tkms-build.properties} (the commit from git at build time; {@code unknown} when built without
 * git, and suffixed {@code -dirty} when the work tree had uncommitted changes).
 */
record BuildInfo(String version, String commit) {
  static final String UNKNOWN = "unknown";

  static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/tkms-build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // reported as unknown below
    }
    String commit = value(p, "commit");
    if (!commit.equals(UNKNOWN) && "true".equals(p.getProperty("dirty"))) {
      commit += "-dirty";
    }
    return new BuildInfo(value(p, "version"), commit);
  }

  /** A filtered value; an unfiltered placeholder (no git at build time) or none is unknown. */
  private static String value(Properties p, String name) {
    String v = p.getProperty(name, "").trim();
    return v.isEmpty() || v.startsWith("${") ? UNKNOWN : v;
  }
}
