package io.hitl.gateway.support;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on loopback between a gateway and its PostgreSQL, to stage network faults: pass traffic,
 * refuse (close every connection and every new one), or black-hole (hold every byte in both directions,
 * as a silent network does; held bytes are delivered when traffic passes again, as TCP would retransmit).
 */
public final class PgProxy implements AutoCloseable {
  private enum Mode { PASS, REFUSE, BLACK_HOLE }

  private record Pair(NetSocket in, NetSocket out) {
    void pause() {
      in.pause();
      out.pause();
    }

    void resume() {
      in.resume();
      out.resume();
    }

    void close() {
      in.close();
      out.close();
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final Context ctx = vertx.getOrCreateContext();
  private final List<Pair> pairs = new ArrayList<>();
  private NetServer server;
  private NetClient client;
  private Mode mode = Mode.PASS;

  private PgProxy() {
  }

  /** A proxy on a free loopback port forwarding to {@code targetHost:targetPort}. */
  public static PgProxy start(String targetHost, int targetPort) {
    PgProxy p = new PgProxy();
    p.on(() -> {
      p.client = p.vertx.createNetClient();
      p.server = p.vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0));
      p.server.connectHandler(in -> p.accept(in, targetHost, targetPort));
    });
    CompletableFuture<Void> listening = new CompletableFuture<>();
    p.ctx.runOnContext(v -> p.server.listen().onComplete(ar -> {
      if (ar.succeeded()) {
        listening.complete(null);
      } else {
        listening.completeExceptionally(ar.cause());
      }
    }));
    listening.join();
    return p;
  }

  public int port() {
    return server.actualPort();
  }

  /** A postgresql:// URL naming {@code database} through this proxy. */
  public String url(String database) {
    return "postgresql://postgres@127.0.0.1:" + port() + "/" + database;
  }

  public void pass() {
    on(() -> {
      mode = Mode.PASS;
      pairs.forEach(Pair::resume);
    });
  }

  public void refuse() {
    on(() -> {
      mode = Mode.REFUSE;
      new ArrayList<>(pairs).forEach(Pair::close);
    });
  }

  public void blackHole() {
    on(() -> {
      mode = Mode.BLACK_HOLE;
      pairs.forEach(Pair::pause);
    });
  }

  private void accept(NetSocket in, String host, int port) {
    if (mode == Mode.REFUSE) {
      in.close();
      return;
    }
    in.pause();
    client.connect(port, host).onComplete(ar -> {
      if (ar.failed()) {
        in.close();
        return;
      }
      NetSocket out = ar.result();
      Pair pair = new Pair(in, out);
      pairs.add(pair);
      in.handler(out::write);
      out.handler(in::write);
      in.closeHandler(v -> {
        out.close();
        pairs.remove(pair);
      });
      out.closeHandler(v -> {
        in.close();
        pairs.remove(pair);
      });
      if (mode == Mode.PASS) {
        in.resume();
      } else if (mode == Mode.BLACK_HOLE) {
        out.pause();
      } else {
        pair.close();
      }
    });
  }

  /** Runs on the proxy's event loop and waits for it, so a fault is in place when the call returns. */
  private void on(Runnable r) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    ctx.runOnContext(v -> {
      try {
        r.run();
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    try {
      done.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
