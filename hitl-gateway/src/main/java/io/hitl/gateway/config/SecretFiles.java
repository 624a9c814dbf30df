package io.hitl.gateway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Development secrets the gateway generates into its data directory, readable by its own user only. */
public final class SecretFiles {
  private SecretFiles() {
  }

  /** Writes {@code content} to {@code file} (creating its directory) and restricts it to the owner. Blocking. */
  public static void writeOwnerOnly(Path file, String content) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // not a POSIX file system; the file keeps the default permissions
    }
  }
}
