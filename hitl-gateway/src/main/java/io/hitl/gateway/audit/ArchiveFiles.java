package io.hitl.gateway.audit;

import io.hitl.gateway.core.ChainCheck;
import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.store.ArchiveStore.Anchor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.util.List;

/**
 * Archived journal segments on disk: {@code journal-<firstSeq>-<lastSeq>.ndjson}, one entry per line in
 * the export's NDJSON form. Blocking file I/O: call from a worker thread, never an event loop.
 */
public final class ArchiveFiles {
  private ArchiveFiles() {
  }

  public static String fileName(long firstSeq, long lastSeq) {
    return "journal-" + firstSeq + "-" + lastSeq + ".ndjson";
  }

  /**
   * Writes a segment under a temporary name, fsyncs it, renames it into place and fsyncs the directory,
   * so a crash leaves either no file or a complete one. Returns the file's sha256.
   */
  public static final class SegmentWriter implements AutoCloseable {
    private final Path dir;
    private final Path tmp;
    private final FileChannel channel;
    private final MessageDigest digest;
    private final OutputStream out;

    public SegmentWriter(Path dir, long firstSeq) throws IOException {
      this.dir = dir;
      Files.createDirectories(dir);
      this.tmp = dir.resolve(".journal-" + firstSeq + ".ndjson.tmp");
      this.channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
      this.digest = sha256();
      this.out = new DigestOutputStream(new java.io.BufferedOutputStream(Channels.newOutputStream(channel), 65536),
        digest);
    }

    public void write(List<JournalEntry> entries) throws IOException {
      for (JournalEntry e : entries) {
        out.write(ExportLines.ndjson(e).getBytes(StandardCharsets.UTF_8));
      }
    }

    /** Makes the file durable under its final name; returns its sha256. */
    public String finish(String fileName) throws IOException {
      out.flush();
      channel.force(true);
      out.close();
      Files.move(tmp, dir.resolve(fileName), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException e) {
        // some file systems cannot open a directory for fsync; the rename itself is atomic
      }
      return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public void close() throws IOException {
      if (channel.isOpen()) {
        out.close();
      }
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Re-reads the segment of {@code anchor} from {@code dir}: every line's hash and link (continuing
   * {@code chain}), its seq range and last hash against the anchor, and the file's sha256. The first
   * problem is recorded in {@code chain}, naming the file.
   */
  public static void verify(Path dir, Anchor anchor, ChainCheck chain) {
    verify(dir, anchor, chain, e -> { });
  }

  /** As {@link #verify(Path, Anchor, ChainCheck)}, handing every entry read to {@code each} once it is checked. */
  public static void verify(Path dir, Anchor anchor, ChainCheck chain, Consumer<JournalEntry> each) {
    Path file = dir.resolve(anchor.fileName());
    MessageDigest digest = sha256();
    long lines = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        new DigestInputStream(Files.newInputStream(file), digest), StandardCharsets.UTF_8), 65536)) {
      String line;
      while ((line = r.readLine()) != null) {
        lines++;
        JournalEntry e;
        try {
          e = ExportLines.parse(line);
        } catch (IllegalArgumentException ex) {
          chain.fail(chain.lastSeq() + 1, "archive " + anchor.fileName() + " line " + lines + " is not a journal entry");
          continue;
        }
        chain.accept(e, "archive " + anchor.fileName() + ": ");
        each.accept(e);
      }
    } catch (NoSuchFileException e) {
      chain.fail(anchor.firstSeq(), "archive " + anchor.fileName() + " is missing from " + dir);
      chain.skipTo(anchor.lastSeq(), anchor.lastHash());
      return;
    } catch (IOException e) {
      chain.fail(anchor.firstSeq(), "archive " + anchor.fileName() + " could not be read: " + e.getMessage());
      chain.skipTo(anchor.lastSeq(), anchor.lastHash());
      return;
    }
    if (chain.lastSeq() != anchor.lastSeq() || !Hashing.same(chain.lastHash(), anchor.lastHash())) {
      chain.fail(Math.min(chain.lastSeq() + 1, anchor.lastSeq()), "archive " + anchor.fileName() + " ends at seq "
        + chain.lastSeq() + " but its anchor ends at seq " + anchor.lastSeq() + " (entries were removed or changed)");
    }
    if (!Hashing.same(HexFormat.of().formatHex(digest.digest()), anchor.fileSha256())) {
      chain.fail(anchor.firstSeq(), "archive " + anchor.fileName() + " does not match the sha256 of its anchor "
        + "(the file was changed)");
    }
    chain.skipTo(anchor.lastSeq(), anchor.lastHash());
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
