package io.hitl.chaos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, byte for byte as given: the only way to send what a well-behaved client
 * library refuses to (invalid UTF-8, duplicate Content-Length, broken request lines).
 */
final class RawHttp {
  /** status 0: no answer (closed or timed out before a status line); {@code timedOut} tells which. */
  record Answer(int status, Map<String, String> headers, byte[] body, boolean timedOut, String error) {
    String contentType() {
      return headers.getOrDefault("content-type", "");
    }
  }

  private RawHttp() {
  }

  static Answer exchange(int port, byte[] request, int timeoutMs) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 3000);
      s.setSoTimeout(timeoutMs);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException e) {
        // the server may answer and close before reading a hostile request to the end; read what it said
      }
      return read(s.getInputStream(), System.nanoTime() + timeoutMs * 1_000_000L);
    } catch (SocketTimeoutException e) {
      return new Answer(0, Map.of(), new byte[0], true, "timed out");
    } catch (IOException e) {
      return new Answer(0, Map.of(), new byte[0], false, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** Reads one answer; a body still coming at {@code deadline} (an event stream, a long poll) is cut there. */
  private static Answer read(InputStream in, long deadline) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while (matched < 4 && (b = in.read()) >= 0) {
      head.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
        ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > 256 * 1024) {
        break;
      }
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    if (!text.startsWith("HTTP/")) {
      return new Answer(0, Map.of(), new byte[0], false, text.isEmpty() ? "closed without an answer" : "not HTTP");
    }
    String[] lines = text.split("\r\n");
    String[] status = lines[0].split(" ", 3);
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      if (c > 0) {
        headers.putIfAbsent(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int code = Integer.parseInt(status[1].trim());
    if (headers.getOrDefault("content-type", "").startsWith("text/event-stream")) {
      return new Answer(code, headers, new byte[0], false, null);
    }
    try {
      if (headers.containsKey("content-length")) {
        long n = Long.parseLong(headers.get("content-length"));
        copy(in, body, Math.min(n, 4 * 1024 * 1024), deadline);
      } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        while (true) {
          String size = line(in);
          int semi = size.indexOf(';');
          long n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
          if (n == 0) {
            break;
          }
          copy(in, body, n, deadline);
          line(in);
          if (body.size() > 4 * 1024 * 1024 || System.nanoTime() > deadline) {
            break;
          }
        }
      } else {
        byte[] buf = new byte[8192];
        int n;
        while (System.nanoTime() < deadline && (n = in.read(buf)) >= 0 && body.size() < 4 * 1024 * 1024) {
          body.write(buf, 0, n);
        }
      }
    } catch (SocketTimeoutException | NumberFormatException e) {
      // a status line and headers came: the answer counts, whatever its body did
    }
    return new Answer(code, headers, body.toByteArray(), false, null);
  }

  private static void copy(InputStream in, ByteArrayOutputStream out, long n, long deadline) throws IOException {
    byte[] buf = new byte[8192];
    while (n > 0 && System.nanoTime() < deadline) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n));
      if (r < 0) {
        return;
      }
      out.write(buf, 0, r);
      n -= r;
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }
}
