package io.hitl.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy between the gateway and PostgreSQL that can fail the way networks do: refuse (nothing
 * listens, open connections reset) and black hole (connections accepted, bytes held, nothing answered) until
 * healed, when held bytes flow on as after a partition.
 */
final class TcpProxy implements AutoCloseable {
  enum Mode { PASS, REFUSE, BLACK_HOLE }

  private final int targetPort;
  final int port;
  private volatile ServerSocket server;
  private volatile Mode mode = Mode.PASS;
  private final Object gate = new Object();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.port = Env.freePort();
    listen();
  }

  private void listen() throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    server = s;
    Thread t = new Thread(() -> acceptLoop(s), "proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  private void acceptLoop(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        if (s.isClosed()) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          holdWhileBlackHoled();
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // one side closed or was reset: close both, as a real network path would end
      } finally {
        quietClose(from);
        quietClose(to);
      }
    }, "proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private void holdWhileBlackHoled() throws InterruptedException {
    synchronized (gate) {
      while (mode == Mode.BLACK_HOLE && !closed) {
        gate.wait(200);
      }
    }
  }

  /** Nothing listens and every open connection is reset: "connection refused". */
  void refuse() throws IOException {
    mode = Mode.REFUSE;
    server.close();
    for (Socket s : open) {
      try {
        s.setSoLinger(true, 0);
      } catch (SocketException ignored) {
        // already closed
      }
      quietClose(s);
    }
    open.clear();
  }

  /** Connections stay open and new ones are accepted, but no byte is forwarded either way. */
  void blackHole() {
    mode = Mode.BLACK_HOLE;
  }

  /** Back to forwarding: listening again after a refusal, held bytes delivered after a black hole. */
  void heal() throws IOException {
    Mode was = mode;
    synchronized (gate) {
      mode = Mode.PASS;
      gate.notifyAll();
    }
    if (was == Mode.REFUSE) {
      listen();
    }
  }

  private static void quietClose(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    heal();
    server.close();
    open.forEach(TcpProxy::quietClose);
  }
}
