package io.harbormaster.testing;

import java.nio.file.Path;

/**
 * The checkout the tests run in: failsafe sets {@code harbormaster.home} to the basedir; surefire
 * runs there.
 */
public final class ProjectHome {

  private ProjectHome() {}

  public static Path path() {
    String home = System.getProperty("harbormaster.home", System.getProperty("user.dir"));
    return Path.of(home).toAbsolutePath().normalize();
  }

  public static Path resolve(String relative) {
    return path().resolve(relative);
  }
}
