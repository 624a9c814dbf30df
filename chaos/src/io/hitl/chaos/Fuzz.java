package io.hitl.chaos;

import io.hitl.gateway.chat.SlackSignature;

import io.hitl.chaos.Env.Node;
import io.hitl.chaos.Env.Resp;
import io.hitl.gateway.support.SignedCalls;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.yaml.snakeyaml.Yaml;

/**
 * Seeded hostile requests over every route and method of docs/openapi.yaml, each built so that it must be
 * refused (or, for reads and chat callbacks, must change nothing): no 5xx, every error problem+json, no write
 * accepted, every table as it was, the gateway healthy and its journal valid afterwards. Failing requests go
 * to target/chaos/failures.ndjson, replayable byte for byte.
 */
final class Fuzz {
  static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");
  static final List<String> ROLES = List.of("admin", "admin", "approver", "submitter", "viewer");
  static final String MARK = "ZQXMARKZQX";
  static final List<String> HOSTILE = List.of("'; DROP TABLE approvals;--", "<script>alert(1)</script>",
    "${jndi:ldap://127.0.0.1:1/x}", "{{7*7}}", "../../../../etc/passwd", "\u202Egnp.exe", "%s%s%n", "😈",
    "\\u0000", "a\r\nX-Injected: 1");
  static final List<String> PATH_VALUES = List.of("..%2f..%2f..%2fetc%2fpasswd", "%2e%2e%2f%2e%2e", "%00",
    "abc%00def", "%zz", "%", "%c0%af", "%ed%a0%80", "%ff%fe", "a".repeat(5000), "%27%3B%20DROP%20TABLE%20approvals%3B--",
    "%3Cscript%3E", "%e2%80%ae", "%20", "00000000-0000-0000-0000-000000000000", "not-a-uuid", "%252e%252e%252f");
  static final List<String> QUERIES = List.of("limit=%zz", "type=%", "status=%00", "%=%", "a=%c0%af",
    "limit=-1", "limit=99999999999999999999999", "since=not-a-date", "x=" + "A".repeat(3000), "q=%ed%a0%80",
    "status=%zz&status=%", "limit=%2", "%zz=1", "format=%00", "archive=%ff");

  /** One operation of the document. */
  record Op(String method, String template, boolean secured, boolean chat, boolean hasBody, boolean bodyRequired,
      Map<String, String> props, List<String> pathParams, Set<String> declaredMethods) {
    boolean read() {
      return method.equals("GET");
    }
  }

  /** One request as bytes, with what it is for the failure record. */
  record Req(String category, String method, String target, List<String[]> headers, byte[] body, byte[] raw) {
  }

  private final Env env;
  private final boolean quick;
  private final long seed;
  private final Path document;
  private Map<String, Object> doc;
  private final List<String> ids = new ArrayList<>();
  private final List<String> tradeIds = new ArrayList<>();
  private final Map<String, String> tokens = new LinkedHashMap<>();
  private int port;

  Fuzz(Env env, boolean quick, long seed) {
    this.env = env;
    this.quick = quick;
    this.seed = seed;
    this.document = env.repo.resolve("docs/openapi.yaml");
  }

  @SuppressWarnings("unchecked")
  List<Op> operations() throws IOException {
    try (Reader r = Files.newBufferedReader(document)) {
      doc = new Yaml().load(r);
    }
    List<Op> ops = new ArrayList<>();
    Map<String, Object> paths = (Map<String, Object>) doc.get("paths");
    for (Map.Entry<String, Object> p : paths.entrySet()) {
      Map<String, Object> item = (Map<String, Object>) p.getValue();
      Set<String> declared = new java.util.TreeSet<>();
      for (String m : METHODS) {
        if (item.containsKey(m)) {
          declared.add(m.toUpperCase(Locale.ROOT));
        }
      }
      for (String m : METHODS) {
        Map<String, Object> op = (Map<String, Object>) item.get(m);
        if (op == null) {
          continue;
        }
        Object security = op.containsKey("security") ? op.get("security") : doc.get("security");
        boolean secured = security instanceof List && !((List<?>) security).isEmpty();
        Map<String, Object> rb = (Map<String, Object>) resolve(op.get("requestBody"));
        Map<String, String> props = new TreeMap<>();
        if (rb != null) {
          Map<String, Object> content = (Map<String, Object>) rb.get("content");
          if (content != null && !content.isEmpty()) {
            Map<String, Object> media = (Map<String, Object>) content.values().iterator().next();
            collect(media == null ? null : media.get("schema"), props, 0);
          }
        }
        List<String> pathParams = new ArrayList<>();
        java.util.regex.Matcher mt = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(p.getKey());
        while (mt.find()) {
          pathParams.add(mt.group(1));
        }
        ops.add(new Op(m.toUpperCase(Locale.ROOT), p.getKey(), secured, p.getKey().contains("/chat/"), rb != null,
          rb != null && Boolean.TRUE.equals(rb.get("required")), props, pathParams, declared));
      }
    }
    return ops;
  }

  @SuppressWarnings("unchecked")
  private Object resolve(Object node) {
    if (node instanceof Map && ((Map<String, Object>) node).containsKey("$ref")) {
      Object at = doc;
      for (String part : ((String) ((Map<String, Object>) node).get("$ref")).substring(2).split("/")) {
        at = ((Map<String, Object>) at).get(part);
      }
      return resolve(at);
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private void collect(Object schemaNode, Map<String, String> props, int depth) {
    Object s = resolve(schemaNode);
    if (!(s instanceof Map) || depth > 4) {
      return;
    }
    Map<String, Object> schema = (Map<String, Object>) s;
    for (String combo : List.of("oneOf", "anyOf", "allOf")) {
      if (schema.get(combo) instanceof List) {
        for (Object sub : (List<Object>) schema.get(combo)) {
          collect(sub, props, depth + 1);
        }
      }
    }
    if (schema.get("properties") instanceof Map) {
      for (Map.Entry<String, Object> e : ((Map<String, Object>) schema.get("properties")).entrySet()) {
        Object ps = resolve(e.getValue());
        Object type = ps instanceof Map ? ((Map<String, Object>) ps).get("type") : null;
        props.putIfAbsent(e.getKey(), type instanceof String ? (String) type : "any");
      }
    }
  }

  Verdict run() throws Exception {
    long t0 = System.currentTimeMillis();
    Verdict v = new Verdict("fuzz");
    int total = Integer.getInteger("chaos.fuzz.requests", quick ? 5_000 : 100_000);
    List<Op> ops = operations();
    String db = env.freshDb();
    Map<String, String> s = env.baseSettings(db, "fuzz");
    s.put("HITL_METRICS_TOKEN", "chaos-metrics-token-0123456789");
    // long polls answer within the 15 s each request is given
    s.put("HITL_WAIT_MAX_SECONDS", "5");
    Node node = env.start("fuzz-node", s, 1);
    port = node.port;
    env.quote(node, "7203.T");
    for (String role : List.of("admin", "approver", "submitter", "viewer")) {
      tokens.put(role, env.token("fuzz-" + role, role));
    }
    for (int i = 0; i < 40; i++) {
      String tradeId = "fuzz-" + i + "-" + UUID.randomUUID().toString().substring(0, 8);
      Resp r = env.call(port, "POST", "/api/v1/approvals/trade", env.token("engine-fuzz", "submitter"),
        Env.trade("7203.T").put("timeout_seconds", 7200).put("trade_id", tradeId));
      if (r.status() != 201) {
        throw new IllegalStateException("seed refused: " + r.status() + " " + r.body());
      }
      ids.add(r.json().getString("request_id"));
      tradeIds.add(tradeId);
    }
    Map<String, String> before = stableSnapshot(db);

    Path failures = env.out.resolve("failures.ndjson");
    Files.deleteIfExists(failures);
    Map<String, AtomicLong> byStatus = new TreeMap<>();
    Map<String, AtomicLong> failed = new ConcurrentHashMap<>();
    AtomicLong s5xx = new AtomicLong();
    AtomicLong vertxUnknownVersion = new AtomicLong();
    AtomicLong notProblem = new AtomicLong();
    AtomicLong accepted = new AtomicLong();
    AtomicLong acceptedReads = new AtomicLong();
    AtomicLong timedOut = new AtomicLong();
    AtomicLong closed = new AtomicLong();
    AtomicInteger next = new AtomicInteger();
    long deadline = System.currentTimeMillis() + Math.max(quick ? 150_000 : 20 * 60_000, total * 15L);
    try (Writer out = Files.newBufferedWriter(failures)) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      for (int w = 0; w < 4; w++) {
        pool.submit(() -> {
          int i;
          while ((i = next.getAndIncrement()) < total && System.currentTimeMillis() < deadline) {
            Random r = new Random(seed * 1_000_003L + i);
            Op op = ops.get(r.nextInt(ops.size()));
            Req req = generate(op, r);
            RawHttp.Answer a = RawHttp.exchange(port, req.raw(), 15_000);
            String key = a.status() == 0 ? (a.timedOut() ? "timeout" : "closed") : String.valueOf(a.status());
            synchronized (byStatus) {
              byStatus.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            }
            String why = null;
            if (a.status() == 501 && req.category().equals("request-line/unknown-version")) {
              // Vert.x answers a request line naming an HTTP version it does not know before any handler runs
              vertxUnknownVersion.incrementAndGet();
            } else if (a.status() >= 500) {
              s5xx.incrementAndGet();
              why = "5xx";
            } else if (a.status() >= 400 && !a.contentType().startsWith("application/problem+json")) {
              notProblem.incrementAndGet();
              why = "not problem+json";
            } else if (a.status() >= 200 && a.status() < 400) {
              boolean write = !req.method().equals("GET") && !req.method().equals("HEAD") && !op.chat();
              if (write) {
                accepted.incrementAndGet();
                why = "accepted";
              } else {
                acceptedReads.incrementAndGet();
              }
            } else if (a.status() == 0 && a.timedOut()) {
              timedOut.incrementAndGet();
              why = "no answer in 15 s";
            } else if (a.status() == 0) {
              closed.incrementAndGet();
            }
            if (why != null) {
              failed.computeIfAbsent(why + " " + req.category(), k -> new AtomicLong()).incrementAndGet();
              record(out, i, op, req, a, why);
            }
          }
          return null;
        });
      }
      pool.shutdown();
      pool.awaitTermination(25, TimeUnit.MINUTES);
    }
    int sent = Math.min(next.get(), total);
    Thread.sleep(2_000);
    Map<String, String> after = stableSnapshot(db);
    List<String> changed = Env.diff(before, after);
    Resp health = env.call(port, "GET", "/healthz", null, null);
    Resp verify = env.call(port, "GET", "/api/v1/audit/verify", tokens.get("admin"), null);
    boolean valid = verify.status() == 200 && verify.json().getBoolean("valid", false);
    v.figure("seed", seed).figure("requests", sent).figure("operations", ops.size())
      .figure("http_5xx", s5xx.get()).figure("vertx_501_unknown_http_version", vertxUnknownVersion.get())
      .figure("error_not_problem_json", notProblem.get())
      .figure("writes_accepted", accepted.get()).figure("reads_answered_2xx", acceptedReads.get())
      .figure("tables_changed", changed.size()).figure("no_answer_15s", timedOut.get())
      .figure("closed_without_answer", closed.get()).figure("healthy", health.status() == 200)
      .figure("verify_valid", valid);
    v.require(sent >= total, "all requests sent", sent + " of " + total + " within the time bound")
      .require(s5xx.get() == 0, "0 5xx", top(failed, "5xx"))
      .require(notProblem.get() == 0, "0 error answers that are not problem+json", top(failed, "not problem+json"))
      .require(accepted.get() == 0 && changed.isEmpty(), "0 state changes where a refusal was expected",
        accepted.get() + " writes accepted " + top(failed, "accepted") + "; tables changed: " + changed)
      .require(timedOut.get() == 0, "every request answered", top(failed, "no answer in 15 s"))
      .require(health.status() == 200 && valid, "healthy and verify valid afterwards",
        "healthz " + health.status() + ", verify " + verify.status() + " " + verify.body());
    System.out.println("fuzz statuses: " + byStatus + "; failures by kind: " + new TreeMap<>(failed)
      + (failed.isEmpty() ? "" : "; see " + failures));
    node.kill9();
    v.seconds = (System.currentTimeMillis() - t0) / 1000;
    return v;
  }

  private static String top(Map<String, AtomicLong> failed, String prefix) {
    Map<String, Long> m = new TreeMap<>();
    failed.forEach((k, n) -> {
      if (k.startsWith(prefix)) {
        m.put(k.substring(prefix.length()).trim(), n.get());
      }
    });
    return m.toString();
  }

  private Map<String, String> stableSnapshot(String db) throws Exception {
    Map<String, String> last = Env.snapshot(db);
    for (int i = 0; i < 20; i++) {
      Thread.sleep(1_000);
      Map<String, String> now = Env.snapshot(db);
      if (now.equals(last)) {
        return now;
      }
      last = now;
    }
    return last;
  }

  private static void record(Writer out, int index, Op op, Req req, RawHttp.Answer a, String why) {
    JsonArray headers = new JsonArray();
    req.headers().forEach(h -> headers.add(h[0] + ": " + h[1]));
    JsonObject line = new JsonObject().put("index", index).put("why", why).put("category", req.category())
      .put("route", op.method() + " " + op.template()).put("method", req.method()).put("path", req.target())
      .put("headers", headers).put("body_b64", req.body() == null ? null : Base64.getEncoder().encodeToString(req.body()))
      .put("request_b64", req.raw().length > 65_536 ? null : Base64.getEncoder().encodeToString(req.raw()))
      .put("status", a.status())
      .put("content_type", a.contentType())
      .put("answer", new String(a.body(), 0, Math.min(a.body().length, 300), StandardCharsets.UTF_8));
    synchronized (out) {
      try {
        out.write(line.encode());
        out.write('\n');
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }


  Req generate(Op op, Random r) {
    if (op.chat()) {
      return chat(op, r);
    }
    List<String> kinds = new ArrayList<>();
    if (op.secured()) {
      kinds.add("auth-none");
      kinds.add("auth-bad");
    }
    if (op.hasBody()) {
      for (int i = 0; i < 3; i++) {
        kinds.add("body");
      }
    }
    if (!op.pathParams().isEmpty()) {
      kinds.add("path");
      kinds.add("path");
    }
    kinds.add("query");
    kinds.add("header");
    kinds.add("request-line");
    kinds.add("method");
    String kind = kinds.get(r.nextInt(kinds.size()));
    String role = ROLES.get(r.nextInt(ROLES.size()));
    String token = op.secured() ? tokens.get(role) : null;
    String target = fill(op, r);
    List<String[]> headers = new ArrayList<>();
    byte[] body = op.hasBody() ? base(op).encode().getBytes(StandardCharsets.UTF_8) : null;
    String category = kind;
    String method = op.method();
    switch (kind) {
      case "auth-none" -> token = null;
      case "auth-bad" -> {
        String[] bad = badAuth(r);
        category = "auth-bad/" + bad[0];
        headers.add(new String[] {"Authorization", bad[1]});
        token = null;
      }
      case "body" -> {
        BodyCase c = body(op, r);
        category = "body/" + c.name;
        body = c.bytes;
        if (c.contentType != null) {
          headers.add(new String[] {"Content-Type", c.contentType});
        }
      }
      case "path" -> {
        String name = op.pathParams().get(r.nextInt(op.pathParams().size()));
        String value = PATH_VALUES.get(r.nextInt(PATH_VALUES.size()));
        target = op.template().replace("{" + name + "}", value);
        for (String p : op.pathParams()) {
          target = target.replace("{" + p + "}", value(p, r));
        }
        category = "path/" + shortName(value);
      }
      case "query" -> {
        String q = QUERIES.get(r.nextInt(QUERIES.size()));
        target = target + "?" + q;
        category = "query/" + shortName(q);
        if (!op.read()) {
          // a write must still be refused: the query rides on a request that is refused for its body or its token
          if (op.hasBody()) {
            BodyCase c = body(op, r);
            body = c.bytes;
            category += "+body/" + c.name;
            if (c.contentType != null) {
              headers.add(new String[] {"Content-Type", c.contentType});
            }
          } else {
            token = null;
            category += "+no-token";
          }
        }
      }
      case "header" -> {
        int h = r.nextInt(5);
        switch (h) {
          case 0 -> {
            headers.add(new String[] {"X-Chaos", "A".repeat(20_000 + r.nextInt(20_000))});
            category = "header/huge";
          }
          case 1 -> {
            for (int i = 0; i < 300; i++) {
              headers.add(new String[] {"X-Chaos-" + i, "v".repeat(60)});
            }
            category = "header/many";
          }
          case 2 -> {
            byte[] b = body == null ? "{}".getBytes(StandardCharsets.UTF_8) : body;
            return raw("header/duplicate-content-length", method, target, token, List.of(
              new String[] {"Content-Type", "application/json"}, new String[] {"Content-Length", String.valueOf(b.length)},
              new String[] {"Content-Length", String.valueOf(b.length + 3)}), b, false);
          }
          case 3 -> {
            byte[] b = body == null ? "{}".getBytes(StandardCharsets.UTF_8) : body;
            return raw("header/content-length-not-a-number", method, target, token, List.of(
              new String[] {"Content-Type", "application/json"}, new String[] {"Content-Length", "1e3"}), b, false);
          }
          default -> {
            headers.add(new String[] {"X-Chaos", "a\u0001b"});
            headers.add(new String[] {"Authorization", "Bearer " + "A".repeat(9000)});
            token = null;
            category = "header/bad-bytes-and-long-token";
          }
        }
      }
      case "request-line" -> {
        return requestLine(op, target, token, r);
      }
      default -> {
        List<String> others = new ArrayList<>(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "BREW"));
        others.removeAll(op.declaredMethods());
        if (others.isEmpty()) {
          others.add("BREW");
        }
        method = others.get(r.nextInt(others.size()));
        category = "method/" + method;
        if (method.equals("GET")) {
          // an undeclared GET must not reach a write; as a read it may only change nothing
          category = "method/GET";
        }
      }
    }
    if (token != null) {
      headers.add(0, new String[] {"Authorization", "Bearer " + token});
    }
    if (body != null && headers.stream().noneMatch(h -> h[0].equalsIgnoreCase("Content-Type"))) {
      headers.add(new String[] {"Content-Type", "application/json"});
    }
    return raw(category, method, target, null, headers, body, true);
  }

  private Req raw(String category, String method, String target, String token, List<String[]> headers, byte[] body,
      boolean length) {
    List<String[]> all = new ArrayList<>();
    if (token != null) {
      all.add(new String[] {"Authorization", "Bearer " + token});
    }
    all.addAll(headers);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    write(b, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n");
    for (String[] h : all) {
      write(b, h[0] + ": " + h[1] + "\r\n");
    }
    if (length && body != null) {
      write(b, "Content-Length: " + body.length + "\r\n");
    }
    write(b, "\r\n");
    if (body != null) {
      b.writeBytes(body);
    }
    return new Req(category, method, target, all, body, b.toByteArray());
  }

  private static void write(ByteArrayOutputStream b, String s) {
    b.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  private Req requestLine(Op op, String target, String token, Random r) {
    // a write goes without a token, so that a parser lenient enough to accept the line still refuses it
    String auth = token == null || !op.read() ? "" : "Authorization: Bearer " + token + "\r\n";
    String host = "Host: 127.0.0.1:" + port + "\r\nConnection: close\r\n";
    String m = op.method();
    String[][] lines = {
      {"junk-after-version", m + " " + target + " HTTP/1.1 junk\r\n"},
      {"unknown-version", m + " " + target + " HTTP/7.3\r\n"},
      {"nul-in-method", m.charAt(0) + "\u0000" + m.substring(1) + " " + target + " HTTP/1.1\r\n"},
      {"nul-in-target", m + " " + target + "\u0000x HTTP/1.1\r\n"},
      {"space-in-target", m + " " + target + " x HTTP/1.1\r\n"},
      {"uri-10k", m + " " + target + "?x=" + "A".repeat(10_000) + " HTTP/1.1\r\n"},
      {"no-target", m + "  HTTP/1.1\r\n"},
      {"control-bytes", m + " " + target + "\u0007\u001b[2J HTTP/1.1\r\n"},
      {"high-bytes", m + " " + target + "\u00ff\u00fe HTTP/1.1\r\n"},
    };
    String[] pick = lines[r.nextInt(lines.length)];
    byte[] raw = (pick[1] + host + auth + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    return new Req("request-line/" + pick[0], m, target, List.of(), null, raw);
  }

  private String[] badAuth(Random r) {
    long now = System.currentTimeMillis() / 1000;
    String none = AuthAttacks.unsigned(new JsonObject().put("alg", "none"), new JsonObject().put("sub", "m")
      .put("roles", new JsonArray().add("admin")).put("exp", now + 600));
    String[][] cases = {
      {"empty-bearer", "Bearer"}, {"bearer-space", "Bearer  "}, {"three-dots", "Bearer a.b.c"},
      {"basic", "Basic YWRtaW46YWRtaW4="}, {"alg-none", "Bearer " + none},
      {"token-twice", "Bearer " + tokens.get("admin") + " " + tokens.get("admin")},
      {"wrong-secret", "Bearer " + AuthAttacks.hmac(new JsonObject().put("alg", "HS256"), new JsonObject()
        .put("sub", "m").put("roles", "admin").put("exp", now + 600), "nope".getBytes(StandardCharsets.UTF_8),
        "HmacSHA256")},
      {"exp-string", "Bearer " + AuthAttacks.hmac(new JsonObject().put("alg", "HS256"), new JsonObject()
        .put("sub", "m").put("roles", "admin").put("exp", String.valueOf(now + 600)),
        Env.JWT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256")},
      {"high-bytes", "Bearer \u00ff\u00fe\u00c0\u00af"}, {"scheme-only-garbage", "Negotiate %00%zz"},
    };
    return cases[r.nextInt(cases.length)];
  }

  private String fill(Op op, Random r) {
    String t = op.template();
    for (String p : op.pathParams()) {
      t = t.replace("{" + p + "}", value(p, r));
    }
    return t;
  }

  private String value(String param, Random r) {
    return switch (param) {
      case "id" -> ids.get(r.nextInt(ids.size()));
      case "trade_id" -> tradeIds.get(r.nextInt(tradeIds.size()));
      case "asset" -> "app.js";
      default -> UUID.randomUUID().toString().replace("-", "");
    };
  }

  /** A plausible body for the operation, so that the one hostile part is what must make it refused. */
  private JsonObject base(Op op) {
    if (op.template().equals("/api/v1/approvals/trade")) {
      return Env.trade("7203.T").put("trade_id", "fuzz-" + UUID.randomUUID());
    }
    JsonObject o = new JsonObject();
    op.props().forEach((k, type) -> {
      switch (type) {
        case "string" -> o.put(k, k.equals("reason") ? "drill" : "chaos");
        case "integer" -> o.put(k, 1);
        case "number" -> o.put(k, 1.5);
        case "boolean" -> o.put(k, true);
        default -> {
          // objects, arrays and untyped members stay out of the plausible body
        }
      }
    });
    return o;
  }

  record BodyCase(String name, byte[] bytes, String contentType) {
  }

  private BodyCase body(Op op, Random r) {
    JsonObject base = base(op);
    String stringField = op.props().entrySet().stream().filter(e -> e.getValue().equals("string")).map(Map.Entry::getKey)
      .findFirst().orElse("reason");
    String text = base.encode();
    int c = r.nextInt(100);
    if (c < 2) {
      return new BodyCase("1mb", ("{\"" + stringField + "\":\"" + "A".repeat(1 << 20) + "\"}")
        .getBytes(StandardCharsets.UTF_8), null);
    }
    if (c < 4) {
      int depth = 5_000 + r.nextInt(20_000);
      return new BodyCase("deeply-nested", ("{\"" + stringField + "\":" + "[".repeat(depth) + "]".repeat(depth) + "}")
        .getBytes(StandardCharsets.UTF_8), null);
    }
    String[] cases = {"trailing-garbage", "two-documents", "nul-after", "overlong-utf8", "utf8-surrogate",
      "lone-surrogate-escape", "truncated-utf8", "invalid-byte", "form-content-type", "multipart", "text-plain",
      "no-content-type", "nan", "infinity", "huge-number", "wrong-type", "not-an-object", "nul-in-string",
      "hostile-with-nul", "empty", "unterminated", "bom-then-garbage"};
    String name = cases[r.nextInt(cases.length)];
    byte[] bytes;
    String ct = null;
    switch (name) {
      case "trailing-garbage" -> bytes = utf8(text + " trailing garbage");
      case "two-documents" -> bytes = utf8(text + text);
      case "nul-after" -> bytes = utf8(text + "\u0000");
      case "overlong-utf8" -> bytes = marked(base, stringField, new byte[] {(byte) 0xC0, (byte) 0xAF});
      case "utf8-surrogate" -> bytes = marked(base, stringField, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
      case "lone-surrogate-escape" -> bytes = marked(base, stringField, utf8("\\ud800"));
      case "truncated-utf8" -> bytes = marked(base, stringField, new byte[] {(byte) 0xE2, (byte) 0x82});
      case "invalid-byte" -> bytes = marked(base, stringField, new byte[] {(byte) 0xFF, (byte) 0xFE});
      case "form-content-type" -> {
        bytes = utf8(text);
        ct = "application/x-www-form-urlencoded";
      }
      case "multipart" -> {
        bytes = utf8("--chaos\r\nContent-Disposition: form-data; name=\"body\"\r\nContent-Type: application/json\r\n\r\n"
          + text + "\r\n--chaos--\r\n");
        ct = "multipart/form-data; boundary=chaos";
      }
      case "text-plain" -> {
        bytes = utf8(text);
        ct = "text/plain";
      }
      case "no-content-type" -> {
        bytes = utf8(text);
        ct = "";
      }
      case "nan", "infinity" -> {
        String numeric = numericField(op);
        String token = name.equals("nan") ? "NaN" : (r.nextBoolean() ? "Infinity" : "-Infinity");
        bytes = marked(base.copy().put(numeric, MARK), numeric, utf8(token), true);
      }
      case "huge-number" -> {
        // where the route takes no number, the number goes into a text field: a wrong type as well as too big
        String numeric = op.props().containsValue("integer") || op.props().containsValue("number") ? numericField(op)
          : stringField;
        String token = r.nextBoolean() ? "1e400" : "123456789012345678901234567890123456789";
        bytes = marked(base.copy().put(numeric, MARK), numeric, utf8(token), true);
      }
      case "wrong-type" -> {
        List<String> typed = op.props().entrySet().stream().filter(e -> List.of("string", "integer", "number", "boolean")
          .contains(e.getValue())).map(Map.Entry::getKey).toList();
        String field = typed.isEmpty() ? "reason" : typed.get(r.nextInt(typed.size()));
        String type = op.props().getOrDefault(field, "string");
        Object wrong = switch (type) {
          case "string" -> List.of(12345, new JsonObject(), new JsonArray(), true).get(r.nextInt(4));
          case "boolean" -> List.of("yes", 1, new JsonObject()).get(r.nextInt(3));
          default -> List.of(true, new JsonObject().put("n", 1), new JsonArray().add(1), "twelve").get(r.nextInt(4));
        };
        bytes = utf8(base.copy().put(field, wrong).encode());
        name += "/" + field;
      }
      case "not-an-object" -> bytes = utf8(List.of("[]", "\"chaos\"", "42", "null", "true", "[" + text + "]")
        .get(r.nextInt(6)));
      case "nul-in-string" -> bytes = utf8(base.copy().put(stringField, "chaos\u0000chaos").encode());
      case "hostile-with-nul" -> bytes = utf8(base.copy().put(stringField, HOSTILE.get(r.nextInt(HOSTILE.size()))
        + "\u0000").encode());
      case "empty" -> bytes = op.bodyRequired() ? new byte[0] : utf8("{");
      case "unterminated" -> bytes = utf8(text.substring(0, Math.max(1, text.length() - 1)));
      default -> {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        b.writeBytes(utf8(text + "]"));
        bytes = b.toByteArray();
      }
    }
    return new BodyCase(name, bytes, ct);
  }

  private static String numericField(Op op) {
    return op.props().entrySet().stream().filter(e -> e.getValue().equals("integer") || e.getValue().equals("number"))
      .map(Map.Entry::getKey).findFirst().orElse("quantity");
  }

  private static byte[] marked(JsonObject base, String field, byte[] inject) {
    return marked(base.copy().put(field, "chaos" + MARK), field, inject, false);
  }

  /** The body with the marker replaced by raw bytes; {@code bare} also drops the quotes around it. */
  private static byte[] marked(JsonObject body, String field, byte[] inject, boolean bare) {
    String text = body.encode();
    String marker = bare ? "\"" + MARK + "\"" : MARK;
    int at = text.indexOf(marker);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(utf8(text.substring(0, at)));
    b.writeBytes(inject);
    b.writeBytes(utf8(text.substring(at + marker.length())));
    return b.toByteArray();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String shortName(String s) {
    String t = s.length() > 24 ? s.substring(0, 12) + "…(" + s.length() + ")" : s;
    return t.replace(' ', '_');
  }

  /** Chat callbacks: unsigned, badly signed, stale, and signed but malformed; a 200 is allowed, a change is not. */
  private Req chat(Op op, Random r) {
    boolean slack = op.template().contains("slack");
    long now = System.currentTimeMillis() / 1000;
    String id = ids.get(r.nextInt(ids.size()));
    String body;
    String name;
    String ct = slack ? "application/x-www-form-urlencoded" : "application/json";
    if (slack) {
      JsonObject unknownId = SignedCalls.slackClick(Env.SLACK_USER, "hitl_approve", UUID.randomUUID().toString(),
        "http://127.0.0.1:9/r", "C0CHAOS", "1700000000.000100");
      JsonObject unmapped = SignedCalls.slackClick("U0NOBODY", "hitl_approve", id, "http://127.0.0.1:9/r", "C0CHAOS",
        "1700000000.000100");
      JsonObject mapped = SignedCalls.slackClick(Env.SLACK_USER, "hitl_reject", id, "http://127.0.0.1:9/r", "C0CHAOS",
        "1700000000.000100");
      String[][] cases = {
        {"payload-bad-escape", "payload=%zz"}, {"payload-not-json", "payload=" + enc("not json")},
        {"payload-array", "payload=" + enc("[]")}, {"payload-unknown-type", "payload=" + enc("{\"type\":\"x\"}")},
        {"click-unknown-request", SignedCalls.form(unknownId)}, {"click-unmapped-user", SignedCalls.form(unmapped)},
        {"click-trailing-garbage", "payload=" + enc(mapped.encode() + " trailing garbage")},
        {"click-two-documents", "payload=" + enc(mapped.encode() + mapped.encode())},
        {"click-duplicate-payload", SignedCalls.form(unknownId) + "&" + SignedCalls.form(mapped)},
        {"click-overlong-utf8", "payload=" + enc(mapped.encode()).replace(id, id + "%C0%AF")},
        {"click-nul", "payload=" + enc(mapped.encode()).replace(id, id + "%00")},
        {"click-action-unknown", "payload=" + enc(mapped.encode().replace("hitl_reject", "hitl_explode"))},
        {"click-id-traversal", "payload=" + enc(mapped.encode().replace(id, "../../" + id))},
        {"no-payload", "text=hello"}, {"empty", ""},
      };
      String[] pick = cases[r.nextInt(cases.length)];
      name = pick[0];
      body = pick[1];
    } else {
      JsonObject unknownId = SignedCalls.discordClick(Env.DISCORD_USER, "hitl:approve:" + UUID.randomUUID(),
        "1300000000000000001", "9001");
      JsonObject unmapped = SignedCalls.discordClick("999999999999999999", "hitl:approve:" + id, "1300000000000000001",
        "9001");
      JsonObject mapped = SignedCalls.discordClick(Env.DISCORD_USER, "hitl:reject:" + id, "1300000000000000001", "9001")
        .put("id", String.valueOf(1_300_000_000_000_000_000L + r.nextInt(1_000_000_000)));
      String[][] cases = {
        {"type-unknown", "{\"type\":99}"}, {"not-json", "not json"}, {"array", "[]"},
        {"click-unknown-request", unknownId.encode()}, {"click-unmapped-user", unmapped.encode()},
        {"click-trailing-garbage", mapped.encode() + " trailing garbage"}, {"click-two-documents",
          mapped.encode() + mapped.encode()}, {"click-nul-after", mapped.encode() + "\u0000"},
        {"click-lone-surrogate", mapped.encode().replace("hitl:reject:", "hitl:reject:\\ud800")},
        {"click-custom-id-traversal", mapped.encode().replace("hitl:reject:", "hitl:reject:../../")},
        {"click-type-as-string", mapped.encode().replace("\"type\":3", "\"type\":\"3\"")},
        {"ping-huge-number", "{\"type\":1e400}"}, {"empty", ""},
      };
      String[] pick = cases[r.nextInt(cases.length)];
      name = pick[0];
      body = pick[1];
    }
    int signing = r.nextInt(10);
    String ts = String.valueOf(signing == 0 ? now - 400 : now);
    String sig;
    String category;
    if (signing == 1) {
      sig = null;
      category = "chat/unsigned/" + name;
    } else if (signing == 2) {
      sig = slack ? "v0=" + "0".repeat(64) : "ab".repeat(64);
      category = "chat/bad-signature/" + name;
    } else {
      sig = slack ? SlackSignature.sign(Env.SLACK_SECRET, ts, utf8(body))
        : SignedCalls.ed25519Sign(Env.DISCORD_KEYS.getPrivate(), ts, body);
      category = (signing == 0 ? "chat/stale/" : "chat/signed/") + name;
    }
    List<String[]> headers = new ArrayList<>();
    headers.add(new String[] {"Content-Type", ct});
    if (sig != null) {
      headers.add(new String[] {slack ? "X-Slack-Request-Timestamp" : "X-Signature-Timestamp", ts});
      headers.add(new String[] {slack ? "X-Slack-Signature" : "X-Signature-Ed25519", sig});
    }
    return raw(category, "POST", op.template(), null, headers, utf8(body), true);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
