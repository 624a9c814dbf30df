package io.hitl.gateway.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files that live at the repository's root (docs, ops, k8s, README), found from the module a test runs in. */
public final class Repo {
  private static final Path ROOT = find();

  private Repo() {
  }

  public static Path root() {
    return ROOT;
  }

  public static Path path(String first, String... more) {
    return ROOT.resolve(Path.of(first, more));
  }

  private static Path find() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("scripts/test")) && Files.isDirectory(p.resolve("docs"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root above " + dir);
  }
}
