package io.conductorvx.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The server's version and build date, written into the jar by the build. */
public record BuildInfo(String version, String buildDate) {
  private static final BuildInfo CURRENT = read();

  public static BuildInfo current() {
    return CURRENT;
  }

  private static BuildInfo read() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/conductor-vx-build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // unknown below
    }
    return new BuildInfo(filled(p.getProperty("version")), filled(p.getProperty("buildDate")));
  }

  /** A value the build filled in, or "unknown" (running from sources that were not built by Maven). */
  private static String filled(String value) {
    return value == null || value.isBlank() || value.contains("${") ? "unknown" : value.trim();
  }
}
