package io.hitl.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.SseProbe;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many clients at once, and one that stops reading: bounded, and nobody else waits for it. */
class StreamFanOutTest {
  static final int CLIENTS = 1000;
  static final int BUFFER_BYTES = 16_384;
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded()
    .with("HITL_SSE_CLIENT_BUFFER_BYTES", String.valueOf(BUFFER_BYTES));
  static final String engine = gw.token("engine-1", "submitter");
  static final String viewer = gw.token("vic", "viewer");
  static Vertx vertx;
  static HttpClient client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(30_000),
      new PoolOptions().setHttp1MaxSize(CLIENTS + 50).setMaxWaitQueueSize(-1));
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  @Test
  void aThousandConcurrentClientsEachReceiveTheEvent() {
    List<Future<SseProbe>> opening = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      opening.add(SseProbe.open(client, gw.port(), "/api/v1/stream", Map.of("Authorization", "Bearer " + viewer)));
    }
    List<SseProbe> probes = new ArrayList<>();
    for (Future<SseProbe> f : opening) {
      probes.add(SseProbe.await(f));
    }
    SseProbe.waitFor(() -> probes.stream().allMatch(SseProbe::connected), Duration.ofSeconds(60), "every stream to open");

    long t0 = System.nanoTime();
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");
    SseProbe.waitFor(() -> probes.stream().allMatch(p -> !p.events().isEmpty()), Duration.ofSeconds(60),
      "every client to receive the event");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println(CLIENTS + " SSE clients received the created event within " + ms + " ms of the create call");

    for (SseProbe p : probes) {
      assertThat(p.events()).hasSize(1);
      assertThat(p.events().get(0).json().getJsonObject("approval").getString("request_id")).isEqualTo(id);
      p.close();
    }
  }

  @Test
  void aClientThatStopsReadingIsDisconnectedAtItsBufferLimitAndDelaysNoOne() throws Exception {
    Socket slow = new Socket();
    slow.setReceiveBufferSize(4096);
    slow.connect(new InetSocketAddress("127.0.0.1", gw.port()), 5000);
    slow.getOutputStream().write(("GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + viewer
      + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    slow.getOutputStream().flush();
    SseProbe fast = SseProbe.await(SseProbe.open(client, gw.port(), "/api/v1/stream",
      Map.of("Authorization", "Bearer " + viewer)));
    SseProbe.waitFor(fast::connected, Duration.ofSeconds(10), "the fast stream to open");

    // ~20 KB per event and over 6 MB in all: more than the kernel's socket buffers take in front of the gateway's limit
    int n = 320;
    JsonObject big = new JsonObject().put("type", "CONFIG_UPDATE").put("title", "Raise the order size limit")
      .put("description", "d".repeat(3900)).put("context", new JsonObject().put("diff", "c".repeat(16_000)));
    List<CompletableFuture<TestGateway.Response>> creates = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      creates.add(gw.callAsync("POST", "/api/v1/approvals", engine, big, Map.of()));
      if (creates.size() % 8 == 0) {
        CompletableFuture.allOf(creates.toArray(new CompletableFuture[0])).get();
      }
    }
    CompletableFuture.allOf(creates.toArray(new CompletableFuture[0])).get();
    long lastCreated = System.nanoTime();
    System.out.println(n + " creates took " + (lastCreated - t0) / 1_000_000 + " ms");
    for (CompletableFuture<TestGateway.Response> c : creates) {
      assertThat(c.get().status()).isEqualTo(201);
    }
    fast.awaitEvents(n, Duration.ofSeconds(30));
    long lag = (System.nanoTime() - lastCreated) / 1_000_000;
    System.out.println("fast client had all " + n + " events " + lag + " ms after the last create returned");
    assertThat(lag).isLessThan(10_000);
    assertThat(fast.ids()).isSorted().doesNotHaveDuplicates().hasSize(n);

    byte[] got = readUntilClosed(slow, Duration.ofSeconds(20));
    String text = new String(got, StandardCharsets.UTF_8);
    int eventsReceived = count(text, "event: created\n");
    System.out.println("slow client was cut off after " + got.length + " bytes (" + eventsReceived + " of " + n
      + " events)");
    assertThat(eventsReceived).isLessThan(n);

    // what it missed comes back with Last-Event-ID
    Matcher m = Pattern.compile("id: (\\d+)\\n(?:event: [^\\n]*\\n)?(?:data: [^\\n]*\\n)+\\n").matcher(text);
    long lastComplete = 0;
    while (m.find()) {
      lastComplete = Long.parseLong(m.group(1));
    }
    SseProbe resumed = SseProbe.await(SseProbe.open(client, gw.port(), "/api/v1/stream",
      Map.of("Authorization", "Bearer " + viewer, "Last-Event-ID", String.valueOf(lastComplete))));
    long resumeFrom = lastComplete;
    List<Long> missed = fast.ids().stream().filter(id -> id > resumeFrom).toList();
    assertThat(missed).isNotEmpty();
    resumed.awaitEvents(missed.size(), Duration.ofSeconds(30));
    assertThat(resumed.ids()).isEqualTo(missed);
    resumed.close();
    fast.close();
  }

  /** Reads everything the server sent until it closed the connection; fails if it stays open. */
  static byte[] readUntilClosed(Socket s, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    s.setSoTimeout(500);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[65536];
    try {
      while (true) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the server kept the slow client's connection open");
        }
        try {
          int r = in.read(buf);
          if (r < 0) {
            return out.toByteArray();
          }
          out.write(buf, 0, r);
        } catch (SocketTimeoutException quiet) {
          // nothing yet; the deadline decides
        }
      }
    } catch (SocketException reset) {
      // a reset also means the server dropped the connection
      return out.toByteArray();
    } finally {
      s.close();
    }
  }

  static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
