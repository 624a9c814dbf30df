package io.hitl.bench;

import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.store.Json;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The first page of the request list, of the history search and of the history export over a large history: a
 * gateway of its own (own embedded PostgreSQL) whose approvals table holds {@code rows} requests seeded straight in
 * SQL ({@link HistorySeed}: with their journal entries and votes, valid row hashes), read over HTTP with a viewer's
 * token one request at a time, each filter of the API on its own and two combinations. Each request is timed from
 * its send to the whole page received (for the export: to the CSV header and its first 50 rows, after which the
 * connection is closed). Any answer but 200, or a page naming integrity failures, stops the run.
 */
final class HistoryPhase {
  /** Untimed requests per filter before the timed ones. */
  private static final int WARM_UP = 5;
  /** The page the list and the history answer without a limit, and the CSV rows the export is timed to. */
  private static final int PAGE = 50;
  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final String LIST = "/api/v1/approvals";
  private static final String HISTORY = "/api/v1/history";
  private static final String EXPORT = "/api/v1/history/export";
  /** The rarer request type the filters name (about 3.3 % of the rows). */
  private static final String RARE_TYPE = "RISK_LIMIT_CHANGE";

  private final String submitter;
  private final String viewer;
  private final SseFanOut.Figures figures;
  /** What the warm-up before the timed requests did. */
  private Map<String, Object> warmUp = Map.of();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(5)).build();

  HistoryPhase(String submitter, String viewer, SseFanOut.Figures figures) {
    this.submitter = submitter;
    this.viewer = viewer;
    this.figures = figures;
  }

  /** One filter of one route: its query string, and whether it combines two filters (not part of the target). */
  private record Case(String route, String query, boolean combination) {
    String label() {
      return query.isEmpty() ? "(no filter)" : query;
    }

    String path() {
      return route + (query.isEmpty() ? "" : "?" + query);
    }
  }

  /**
   * {@code settings} start the gateway (data directory {@code data}, embedded PostgreSQL on {@code dbPort});
   * {@code requests} timed requests per filter, fewer when one filter's run reaches {@code filterSeconds}.
   */
  void run(Path jar, Map<String, String> settings, Path data, int dbPort, int rows, int requests,
      double filterSeconds, double warmUpMaxSeconds, Path log) throws Exception {
    try {
      seedAndMeasure(jar, settings, data, dbPort, rows, requests, filterSeconds, warmUpMaxSeconds, log);
    } finally {
      // a full run's database takes tens of gigabytes: it goes once measured (or once the run failed)
      try (Stream<Path> files = Files.walk(data)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private void seedAndMeasure(Path jar, Map<String, String> settings, Path data, int dbPort, int rows, int requests,
      double filterSeconds, double warmUpMaxSeconds, Path log) throws Exception {
    String jdbc = "jdbc:postgresql://127.0.0.1:" + dbPort + "/hitl";
    // the first start creates the schema; a trade created through the API gives the seed a policy snapshot exactly
    // as the gateway stores one
    Map<String, Object> policy;
    String policyHash;
    try (GatewayProcess gw = GatewayProcess.start(jar, settings, "1g", log)) {
      post(gw.httpPort, "/api/v1/market/quotes", "{\"ticker\":\"T0\",\"bid\":\"100\",\"ask\":\"100.5\"}", 200);
      String id = new JsonObject(post(gw.httpPort, "/api/v1/approvals/trade", BenchRunner.trade()
        .replace("7203.T", "T0"), 201)).getString("request_id");
      try (Connection c = DriverManager.getConnection(jdbc, "postgres", null);
           PreparedStatement ps = c.prepareStatement("SELECT policy::text, policy_hash FROM approvals WHERE id = ?")) {
        ps.setObject(1, UUID.fromString(id));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          policy = Json.plainMap(new JsonObject(rs.getString(1)));
          policyHash = rs.getString(2);
        }
      }
    }

    // the seed runs on the stopped gateway's database under a server of its own, without fsync or full page writes
    // (a crash would only cost this run's data); the gateway then starts its own on it with the product's settings
    HistorySeed.Result seeded;
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(data.resolve("postgres"))
      .setCleanDataDirectory(false).setPort(dbPort).setPGStartupWait(Duration.ofSeconds(60))
      .setServerConfig("fsync", "off").setServerConfig("synchronous_commit", "off")
      .setServerConfig("full_page_writes", "off").setServerConfig("max_wal_size", "2GB")
      .setServerConfig("checkpoint_timeout", "30min").start()) {
      seeded = new HistorySeed(rows, Instant.now(), policy, policyHash).write(jdbc);
    }

    Map<String, JsonObject> results = new LinkedHashMap<>();
    try (GatewayProcess gw = GatewayProcess.start(jar, settings, "1g", log)) {
      probe(gw.httpPort, rows);
      warmUp = warmUp(gw, warmUpMaxSeconds);
      for (Case c : cases()) {
        results.put(c.route() + " " + c.label(), measure(gw.httpPort, c, requests, filterSeconds));
      }
      double readySeconds = gw.secondsToReady();
      for (String route : List.of(LIST, HISTORY, EXPORT)) {
        report(route, rows, requests, seeded, readySeconds, results);
      }
    }
  }

  /**
   * Every case once, round after round and untimed, until the gateway's compiler is quiet
   * ({@link GatewayProcess#warmUp}, the rule of the create path's warm-up), at most {@code maxSeconds} (none when 0):
   * without it the first cases measured share the cores with the compiler. Returns what it did.
   */
  private Map<String, Object> warmUp(GatewayProcess gw, double maxSeconds) throws Exception {
    if (maxSeconds <= 0) {
      return Map.of("seconds", 0);
    }
    List<Case> all = cases();
    long[] sent = {0};
    return gw.warmUp(maxSeconds, seconds -> {
      long end = System.nanoTime() + (long) (seconds * 1e9);
      long before = sent[0];
      while (System.nanoTime() < end) {
        Case c = all.get((int) (sent[0]++ % all.size()));
        once(gw.httpPort, c, c.path(), null);
      }
      return sent[0] - before;
    });
  }

  /** The filters of each route: every documented one alone, and for the history and its export two combinations. */
  private static List<Case> cases() {
    // one whole UTC day ten days back (instants: a date as `to` would mean the end of that day)
    LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(10);
    String oneDay = "from=" + day + "T00:00:00Z&to=" + day.plusDays(1) + "T00:00:00Z";
    List<Case> l = new ArrayList<>();
    for (String q : List.of("", "status=pending", "status=approved", "type=" + RARE_TYPE)) {
      l.add(new Case(LIST, q, false));
    }
    for (String route : List.of(HISTORY, EXPORT)) {
      for (String q : List.of("", "status=approved", "status=pending,cancelled", "type=" + RARE_TYPE, "ticker=T42",
          "approver=operator-7", "approver=nobody", oneDay)) {
        l.add(new Case(route, q, false));
      }
      l.add(new Case(route, "status=rejected&ticker=T42", true));
      l.add(new Case(route, "type=" + RARE_TYPE + "&approver=operator-3", true));
    }
    return l;
  }

  /**
   * Reads one seeded request of each status (and an approval with its vote) by id: a read checks the row against
   * its journal and refuses one that does not match, so a seed the gateway would not accept stops here.
   */
  private void probe(int port, int rows) throws Exception {
    Map<String, Long> wanted = new LinkedHashMap<>();
    for (long i = rows - 1; i >= 0 && i >= rows - 1000L && wanted.size() < ApprovalStatus.values().length + 1; i--) {
      String kind = HistorySeed.voted(i) ? "approved with a vote" : HistorySeed.status(i).json();
      wanted.putIfAbsent(kind, i);
    }
    for (Map.Entry<String, Long> w : wanted.entrySet()) {
      UUID id = HistorySeed.id(w.getValue());
      HttpResponse<String> r = get(port, LIST + "/" + id);
      if (r.statusCode() != 200) {
        throw new IllegalStateException("seeded request " + id + " (" + w.getKey() + ") answered " + r.statusCode()
          + ": " + r.body());
      }
      JsonObject a = new JsonObject(r.body());
      int votes = a.getJsonArray("votes").size();
      if (!a.getString("status").equals(HistorySeed.status(w.getValue()).json())
          || votes != (HistorySeed.voted(w.getValue()) ? 1 : 0)) {
        throw new IllegalStateException("seeded request " + id + " (" + w.getKey() + ") reads back as " + a);
      }
    }
  }

  /** The warm-up, then up to {@code requests} timed requests; p50, p99, max and, for the history, its total. */
  private JsonObject measure(int port, Case c, int requests, double filterSeconds) throws Exception {
    String path = c.path();
    JsonObject out = new JsonObject();
    for (int i = 0; i < WARM_UP; i++) {
      JsonObject first = once(port, c, path, null);
      if (i == 0 && c.route().equals(EXPORT)) {
        out.put("csv_lines_read", first.getInteger("lines"));
      } else if (i == 0) {
        if (c.route().equals(HISTORY)) {
          out.put("total", first.getValue("total")).put("total_exact", first.getValue("total_exact"));
        }
        out.put("first_page_items", first.getJsonArray("items").size());
      }
    }
    Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    long deadline = System.nanoTime() + (long) (filterSeconds * 1e9);
    for (int i = 0; i < requests && (i == 0 || System.nanoTime() < deadline); i++) {
      once(port, c, path, h);
    }
    return out.put("p50_ms", h.getValueAtPercentile(50) / 1000.0).put("p99_ms", h.getValueAtPercentile(99) / 1000.0)
      .put("max_ms", h.getMaxValue() / 1000.0).put("requests", h.getTotalCount()).put("combination", c.combination());
  }

  /** One request, recorded in {@code h} when given: the page of the list and the history, the lines of the export. */
  private JsonObject once(int port, Case c, String path, Histogram h) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
      .header("Authorization", "Bearer " + viewer).timeout(TIMEOUT).build();
    if (c.route().equals(EXPORT)) {
      long t0 = System.nanoTime();
      HttpResponse<Integer> r = http.sendAsync(req, info -> info.statusCode() == 200 ? new FirstLines(PAGE + 1)
          : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8), b -> {
            throw new IllegalStateException("the export with " + c.label() + " answered " + info.statusCode() + ": "
              + b);
          })).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      long micros = (System.nanoTime() - t0) / 1000;
      if (r.body() < 1) {
        throw new IllegalStateException("the export with " + c.label() + " sent no CSV header");
      }
      if (h != null) {
        h.recordValue(Math.min(micros, h.getHighestTrackableValue()));
      }
      return new JsonObject().put("lines", r.body());
    }
    long t0 = System.nanoTime();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    long micros = (System.nanoTime() - t0) / 1000;
    if (r.statusCode() != 200) {
      throw new IllegalStateException(c.route() + " with " + c.label() + " answered " + r.statusCode() + ": "
        + r.body());
    }
    JsonObject page = new JsonObject(r.body());
    if (page.containsKey("integrity_failures")) {
      throw new IllegalStateException(c.route() + " with " + c.label() + " named integrity failures: "
        + page.getValue("integrity_failures"));
    }
    if (c.query().isEmpty() && page.getJsonArray("items").size() != PAGE) {
      throw new IllegalStateException(c.route() + " without a filter returned " + page.getJsonArray("items").size()
        + " requests, not a page of " + PAGE);
    }
    if (h != null) {
      h.recordValue(Math.min(micros, h.getHighestTrackableValue()));
    }
    return page;
  }

  /** One figure per route: the worst p99 over its single filters; the combinations are in the details. */
  private void report(String route, int rows, int requests, HistorySeed.Result seeded, double readySeconds,
      Map<String, JsonObject> results) {
    String name = route.equals(LIST) ? "list" : route.equals(HISTORY) ? "history" : "export";
    JsonObject filters = new JsonObject();
    JsonObject combinations = new JsonObject();
    String worst = null;
    double p99 = 0;
    for (Map.Entry<String, JsonObject> e : results.entrySet()) {
      if (!e.getKey().startsWith(route + " ")) {
        continue;
      }
      String filter = e.getKey().substring(route.length() + 1);
      JsonObject r = e.getValue().copy();
      boolean combination = (Boolean) r.remove("combination");
      (combination ? combinations : filters).put(filter, r);
      if (!combination && (worst == null || r.getDouble("p99_ms") > p99)) {
        worst = filter;
        p99 = r.getDouble("p99_ms");
      }
    }
    Map<String, Object> details = new HashMap<>();
    details.put("filters", filters);
    if (!combinations.isEmpty()) {
      details.put("combinations", combinations);
    }
    details.put("worst_filter", worst);
    details.put("rows_seeded", rows);
    details.put("seeding_seconds", seeded.seconds());
    details.put("seeding", new JsonObject(seeded.details()));
    details.put("requests_per_filter", requests);
    details.put("warm_up_requests_per_filter", WARM_UP);
    details.put("warm_up", warmUp);
    details.put("seconds_to_ready_with_the_history", readySeconds);
    details.put("measured", route.equals(EXPORT) ? "send to the CSV header and the first " + PAGE + " rows"
      : "send to the whole first page (" + PAGE + " rows)");
    figures.figure((route.equals(EXPORT) ? "export's first " + PAGE + " rows" : name + " first page") + " p99, "
      + rows + " rows", p99, "ms", null, null, null, "< 50 ms, any filter", p99 < 50, details);
  }

  private String post(int port, String path, String body, int expected) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
      .header("Authorization", "Bearer " + submitter).header("Content-Type", "application/json")
      .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
      HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected) {
      throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
      .header("Authorization", "Bearer " + viewer).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A body read until {@code lines} line ends have arrived (or the body ended); then the rest is cancelled, which
   * closes the connection, as a reader that has what it wants does. Completes with the lines seen.
   */
  private static final class FirstLines implements HttpResponse.BodySubscriber<Integer> {
    private final int lines;
    private final CompletableFuture<Integer> done = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private int seen;

    FirstLines(int lines) {
      this.lines = lines;
    }

    @Override
    public CompletionStage<Integer> getBody() {
      return done;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer b : buffers) {
        while (b.hasRemaining()) {
          if (b.get() == '\n' && ++seen >= lines) {
            done.complete(seen);
            subscription.cancel();
            return;
          }
        }
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      done.complete(seen);
    }
  }
}
