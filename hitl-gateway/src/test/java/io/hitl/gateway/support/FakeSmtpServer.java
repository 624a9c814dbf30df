package io.hitl.gateway.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A small SMTP server on a random local port (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) that records
 * every accepted message and can be told to refuse the next MAIL commands with a given reply (e.g. a 451
 * temporary failure, or a 554 permanent one).
 */
public final class FakeSmtpServer implements AutoCloseable {
  /** One accepted message: envelope sender and recipients, and the DATA as received (dot-unstuffed). */
  public record Message(String from, List<String> to, String data) {
    /** A header, unfolded. */
    public String header(String name) {
      String head = data.split("\r\n\r\n", 2)[0].replaceAll("\r\n[ \t]+", " ");
      for (String line : head.split("\r\n")) {
        if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
          return line.substring(name.length() + 1).trim();
        }
      }
      return null;
    }

    /** The whole message with quoted-printable soft breaks and escapes undone (good enough for ASCII text). */
    public String decoded() {
      String joined = data.replace("=\r\n", "");
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < joined.length(); i++) {
        char c = joined.charAt(i);
        if (c == '=' && i + 2 < joined.length() && joined.substring(i + 1, i + 3).matches("[0-9A-F]{2}")) {
          b.append((char) Integer.parseInt(joined.substring(i + 1, i + 3), 16));
          i += 2;
        } else {
          b.append(c);
        }
      }
      return b.toString();
    }
  }

  private final ServerSocket server;
  private final List<Message> messages = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedDeque<String> refusals = new ConcurrentLinkedDeque<>();
  private final List<String> refused = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  private volatile boolean closed;

  public FakeSmtpServer() {
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    acceptor = new Thread(this::accept, "fake-smtp");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** The next MAIL commands are answered with these replies, in order, e.g. "451 4.3.0 try again later". */
  public void refuseNext(String... replies) {
    refusals.addAll(List.of(replies));
  }

  /** The replies actually given to refused MAIL commands. */
  public List<String> refused() {
    return List.copyOf(refused);
  }

  public List<Message> messages() {
    return List.copyOf(messages);
  }

  public List<Message> await(Predicate<Message> filter, int n, Duration timeout) {
    return Poll.until(() -> messages.stream().filter(filter).toList(), l -> l.size() >= n, timeout,
      n + " email(s) matching; got " + messages.size() + " in all");
  }

  private void accept() {
    while (!closed) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> converse(s), "fake-smtp-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!closed) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private void converse(Socket s) {
    try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
         OutputStream out = s.getOutputStream()) {
      reply(out, "220 fake.smtp.test ESMTP ready");
      String from = null;
      List<String> to = new ArrayList<>();
      String line;
      while ((line = in.readLine()) != null) {
        String cmd = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
        switch (cmd) {
          case "EHLO" -> reply(out, "250-fake.smtp.test\r\n250-8BITMIME\r\n250 SIZE 10485760");
          case "HELO" -> reply(out, "250 fake.smtp.test");
          case "MAIL" -> {
            String refusal = refusals.poll();
            if (refusal != null) {
              refused.add(refusal);
              reply(out, refusal);
            } else {
              from = address(line);
              to = new ArrayList<>();
              reply(out, "250 2.1.0 OK");
            }
          }
          case "RCPT" -> {
            to.add(address(line));
            reply(out, "250 2.1.5 OK");
          }
          case "DATA" -> {
            reply(out, "354 end data with <CR><LF>.<CR><LF>");
            StringBuilder data = new StringBuilder();
            String d;
            while ((d = in.readLine()) != null && !d.equals(".")) {
              data.append(d.startsWith("..") ? d.substring(1) : d).append("\r\n");
            }
            messages.add(new Message(from, List.copyOf(to), data.toString()));
            reply(out, "250 2.0.0 queued");
          }
          case "RSET" -> {
            from = null;
            to = new ArrayList<>();
            reply(out, "250 2.0.0 OK");
          }
          case "NOOP" -> reply(out, "250 2.0.0 OK");
          case "QUIT" -> {
            reply(out, "221 2.0.0 bye");
            return;
          }
          default -> reply(out, "502 5.5.2 command not recognized");
        }
      }
    } catch (IOException e) {
      // the client hung up
    }
  }

  private static String address(String line) {
    int lt = line.indexOf('<');
    int gt = line.indexOf('>', lt + 1);
    return lt >= 0 && gt > lt ? line.substring(lt + 1, gt) : line.substring(line.indexOf(':') + 1).trim();
  }

  private static void reply(OutputStream out, String text) throws IOException {
    out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
