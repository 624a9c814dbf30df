package io.hitl.gateway.audit;

import io.hitl.gateway.core.CanonicalJson;
import io.hitl.gateway.core.Checkpoint;
import io.hitl.gateway.core.CheckpointCheck;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoint sink: one JSON file per checkpoint in a directory, named by its seq, written whole or not
 * at all (a temporary file, fsync, atomic rename, fsync of the directory). Blocking; run on a worker.
 */
public final class CheckpointFiles {
  private static final Pattern NAME = Pattern.compile("checkpoint-[0-9]{20}\\.json");

  private CheckpointFiles() {
  }

  public static String fileName(long seq) {
    return String.format("checkpoint-%020d.json", seq);
  }

  /** Writes {@code c} unless a checkpoint of its seq is already there (another node wrote it); returns its path. */
  public static Path write(Path dir, Checkpoint c) throws IOException {
    Files.createDirectories(dir);
    Path target = dir.resolve(fileName(c.seq()));
    if (Files.exists(target)) {
      return target;
    }
    Path tmp = Files.createTempFile(dir, ".checkpoint-", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer b = ByteBuffer.wrap((CanonicalJson.write(c.fields()) + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // some file systems cannot sync a directory; the rename is still atomic
    }
    return target;
  }

  /** The seq of the newest checkpoint file, 0 when there is none. */
  public static long newestSeq(Path dir) throws IOException {
    List<Path> files = list(dir);
    if (files.isEmpty()) {
      return 0;
    }
    String name = files.get(files.size() - 1).getFileName().toString();
    return Long.parseLong(name.substring("checkpoint-".length(), name.length() - ".json".length()));
  }

  /**
   * Every checkpoint file, oldest first, as a check for a chain walk: files that do not parse, are signed
   * by a key not in {@code trusted}, or whose signature fails are named as problems.
   */
  public static CheckpointCheck read(Path dir, Map<String, PublicKey> trusted) throws IOException {
    List<CheckpointCheck.Signed> signed = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path p : list(dir)) {
      String name = p.getFileName().toString();
      Checkpoint c;
      try {
        JsonObject j = new JsonObject(Files.readString(p, StandardCharsets.UTF_8));
        c = new Checkpoint(j.getLong("seq"), j.getString("hash"), Instant.parse(j.getString("time")),
          j.getString("key_id"), j.getString("signature"));
      } catch (RuntimeException e) {
        problems.add("checkpoint " + name + " is not a checkpoint (it does not parse)");
        continue;
      }
      PublicKey key = trusted.get(c.keyId());
      if (key == null) {
        problems.add("checkpoint " + name + " is signed by key " + c.keyId() + ", which is not trusted "
          + "(add its public key to HITL_CHECKPOINT_PUBLIC_KEYS)");
      } else if (!c.signedBy(key) || !name.equals(fileName(c.seq()))) {
        problems.add("checkpoint " + name + " has a bad signature (it was changed after it was signed)");
      } else {
        signed.add(new CheckpointCheck.Signed(name, c));
      }
    }
    return new CheckpointCheck(signed, problems);
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }
}
