package io.hitl.bench;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Rows in PostgreSQL's binary COPY format ({@code COPY … FROM STDIN WITH (FORMAT binary)}): about a third less work
 * for the server than the text format, which parses every uuid, timestamp and number. Rows are written into parts
 * (one per thread) that {@link #stream} sends in order between the format's header and trailer.
 */
final class CopyBinary {
  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
  /** PostgreSQL's epoch, 2000-01-01T00:00:00Z, in Unix seconds. */
  private static final long PG_EPOCH = 946_684_800L;

  private byte[] buf;
  private int len;

  CopyBinary(int capacity) {
    buf = new byte[Math.max(64, capacity)];
  }

  /** The header, the rows of {@code parts} in order, the trailer. */
  static InputStream stream(List<CopyBinary> parts) {
    byte[] header = Arrays.copyOf(SIGNATURE, SIGNATURE.length + 8);
    List<InputStream> all = new ArrayList<>();
    all.add(new ByteArrayInputStream(header));
    for (CopyBinary p : parts) {
      all.add(new ByteArrayInputStream(p.buf, 0, p.len));
    }
    all.add(new ByteArrayInputStream(new byte[] {(byte) 0xFF, (byte) 0xFF}));
    return new SequenceInputStream(Collections.enumeration(all));
  }

  /** Starts a row of {@code fields} columns. */
  CopyBinary row(int fields) {
    room(2);
    buf[len++] = (byte) (fields >>> 8);
    buf[len++] = (byte) fields;
    return this;
  }

  CopyBinary nul() {
    int32(-1);
    return this;
  }

  CopyBinary text(String s) {
    if (s == null) {
      return nul();
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    int32(b.length);
    room(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
    return this;
  }

  /** A jsonb value: its format version (1), then the JSON text. */
  CopyBinary jsonb(String json) {
    if (json == null) {
      return nul();
    }
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    int32(b.length + 1);
    room(b.length + 1);
    buf[len++] = 1;
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
    return this;
  }

  CopyBinary uuid(UUID u) {
    if (u == null) {
      return nul();
    }
    int32(16);
    int64(u.getMostSignificantBits());
    int64(u.getLeastSignificantBits());
    return this;
  }

  /** A timestamptz: microseconds since PostgreSQL's epoch. */
  CopyBinary timestamp(Instant t) {
    if (t == null) {
      return nul();
    }
    int32(8);
    int64((t.getEpochSecond() - PG_EPOCH) * 1_000_000L + t.getNano() / 1000);
    return this;
  }

  CopyBinary int2(int v) {
    int32(2);
    room(2);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
    return this;
  }

  CopyBinary int4(int v) {
    int32(4);
    int32(v);
    return this;
  }

  CopyBinary int8(long v) {
    int32(8);
    int64(v);
    return this;
  }

  int size() {
    return len;
  }

  private void int32(int v) {
    room(4);
    buf[len++] = (byte) (v >>> 24);
    buf[len++] = (byte) (v >>> 16);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
  }

  private void int64(long v) {
    int32((int) (v >>> 32));
    int32((int) v);
  }

  private void room(int n) {
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }
}
