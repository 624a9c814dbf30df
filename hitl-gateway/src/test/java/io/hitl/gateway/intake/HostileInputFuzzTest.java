package io.hitl.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * A bounded, seeded fuzz over every route and method of docs/openapi.yaml: each request carries at least one
 * defect (a malformed body, a body not declared JSON, a bad query escape, a NUL or bad escape in the path, a
 * missing or forged token, abusive headers). None may answer 5xx, every error is problem+json, and no table
 * changes. The chaos suite runs the large version of this; this one guards every build.
 */
class HostileInputFuzzTest {
  private static final long SEED = 0x4849544CL;
  private static final int REQUESTS = 2000;
  private static final List<String> METHODS = List.of("get", "post", "put", "delete");
  static TestGateway gw;
  static String admin;
  static String pending;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of("HITL_ALLOWED_OPERATORS", "ops-admin"));
    admin = gw.token("ops-admin", "admin", "approver", "submitter");
    pending = gw.call("POST", "/api/v1/approvals/trade", gw.token("engine-1", "submitter"), TestGateway.trade())
      .json().getString("request_id");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  record Answer(int status, String contentType, String body) {
  }

  @Test
  void hostileRequestsOverEveryRouteAnswerNo5xxOnlyProblemsAndChangeNothing() throws Exception {
    List<String[]> routes = routes();
    assertThat(routes).hasSizeGreaterThan(40);
    Random random = new Random(SEED);
    Map<String, String> before = snapshot();
    Map<Integer, Integer> byStatus = new TreeMap<>();
    List<String> faults = new ArrayList<>();
    long deadline = System.nanoTime() + 180_000_000_000L;
    for (int i = 0; i < REQUESTS && System.nanoTime() < deadline; i++) {
      String[] route = routes.get(random.nextInt(routes.size()));
      byte[] request = hostile(random, route[0], route[1]);
      Answer a = send(request);
      byStatus.merge(a.status(), 1, Integer::sum);
      boolean fault = a.status() >= 500 || a.status() < 100
        || a.status() >= 400 && !"application/problem+json".equals(a.contentType());
      if (fault && faults.size() < 20) {
        String head = new String(request, 0, Math.min(200, request.length), StandardCharsets.ISO_8859_1);
        faults.add(a.status() + " " + a.contentType() + " for " + head + " -> " + a.body());
      }
    }
    assertThat(faults).as("statuses " + byStatus).isEmpty();
    assertThat(snapshot()).as("tables after the fuzz").isEqualTo(before);
    assertThat(gw.call("GET", "/healthz", null, null).status()).isEqualTo(200);
    assertThat(gw.call("GET", "/api/v1/audit/verify", admin, null).json().getBoolean("valid")).isTrue();
  }

  /** (method, path template) for every operation of the API document. */
  @SuppressWarnings("unchecked")
  static List<String[]> routes() throws Exception {
    Map<String, Object> doc;
    try (Reader r = Files.newBufferedReader(OpenApiDocumentTest.DOCUMENT)) {
      doc = new Yaml().load(r);
    }
    List<String[]> out = new ArrayList<>();
    ((Map<String, Object>) doc.get("paths")).forEach((path, ops) -> ((Map<String, Object>) ops).keySet().stream()
      .filter(METHODS::contains).forEach(m -> out.add(new String[] {m.toUpperCase(Locale.ROOT), path})));
    return out;
  }

  /** One request with at least one defect; everything else as a well-behaved client would send it. */
  static byte[] hostile(Random random, String method, String template) {
    boolean api = template.startsWith("/api/v1/");
    int defect = random.nextInt(api ? 7 : 4);
    if (defect == 3 && !template.contains("{")) {
      defect = 2;
    }
    String path = fillPath(random, template, defect == 3);
    String query = defect == 2 ? pick(random, "?limit=%zz", "?type=%", "?%=1", "?limit=%C0%AF", "?cursor=a%00b",
      "?status=%ED%A0%80", "?limit=1&limit=%G1", "?format=%") : pick(random, "", "", "?limit=5", "?x=%41");
    String token = defect == 4 ? pick(random, "", "Bearer ", "Bearer x.y.z", "Basic YTpi", "Bearer " + admin + "x",
      "Bearer " + "a".repeat(3000)) : "Bearer " + admin;
    byte[] body;
    String contentType = "application/json";
    if (defect == 0 || defect == 5 && api) {
      body = malformedBody(random);
    } else if (defect == 1) {
      body = "{\"reason\":\"fuzz\"}".getBytes(StandardCharsets.UTF_8);
      contentType = pick(random, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b",
        "application/json; charset=latin1", "application/xml", "*/*", "application/json, text/plain", ";;;");
    } else {
      body = random.nextBoolean() ? new byte[0] : malformedBody(random);
    }
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(path).append(query).append(" HTTP/1.1\r\n");
    head.append("Host: 127.0.0.1\r\nConnection: close\r\n");
    if (!token.isEmpty()) {
      head.append("Authorization: ").append(token).append("\r\n");
    }
    if (defect == 6) {
      head.append(pick(random, "Accept: */*;q=zz\r\n", "Accept: \u00ff\u00fe\r\n", "X-Correlation-Id: ../../etc\r\n",
        "X-Hitl-Channel: \u00e9\r\n", "Idempotency-Key: \u00e9\u00e9\r\n", "Content-Encoding: gzip\r\n",
        "X-Big: " + "b".repeat(9000) + "\r\n", "Accept-Charset: utf-32\r\n"));
      if (body.length == 0) {
        body = malformedBody(random);
      }
    }
    if (body.length > 0) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static String fillPath(Random random, String template, boolean hostile) {
    String path = template;
    while (path.contains("{")) {
      int a = path.indexOf('{');
      int b = path.indexOf('}', a);
      String value = hostile ? pick(random, "%00", "abc%00", "%zz", "a%", "%ED%A0%80", "%C0%AF", "..%2F..%2Fetc",
        "%2e%2e", "x".repeat(5000)) : pick(random, pending, UUID.randomUUID().toString(), "not-a-uuid", "T-1");
      path = path.substring(0, a) + value + path.substring(b + 1);
    }
    return path;
  }

  /** Bodies that must never be acted on. */
  static byte[] malformedBody(Random random) {
    String base = "{\"reason\":\"fuzz\",\"ticker\":\"7203.T\",\"action\":\"BUY\",\"quantity\":1,\"price\":\"2850\"}";
    switch (random.nextInt(14)) {
      case 0: return utf8(base + "}");
      case 1: return utf8(base + " trailing garbage");
      case 2: return utf8(base + base);
      case 3: return concat(utf8(base), new byte[] {0});
      case 4: return concat(utf8("{\"reason\":\"a"), new byte[] {(byte) 0xC0, (byte) 0xAF}, utf8("\"}"));
      case 5: return concat(utf8("{\"reason\":\"a"), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, utf8("\"}"));
      case 6: return utf8("{\"reason\":\"\\ud800\",\"price\":1}");
      case 7: return utf8("{\"reason\":\"a\\u0000\"}");
      case 8: return utf8("{\"reason\":\"a\",\"reason\":\"b\"}");
      case 9: return utf8("{\"price\":1e999999999,\"x\":NaN}");
      case 10: return utf8("[".repeat(5000));
      case 11: return utf8("{\"reason\":\"" + "x".repeat(1 << 20) + "\"");
      case 12: {
        byte[] junk = new byte[1 + random.nextInt(64)];
        random.nextBytes(junk);
        junk[0] = (byte) '{';
        return junk;
      }
      default: return utf8("{\"reason\":" + pick(random, "5", "{}", "[]", "true", "null x") + ",\"trades\":\"x\"");
    }
  }

  private static Answer send(byte[] request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", gw.port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (java.io.IOException e) {
        // the server may answer and close before reading a body it refused; the answer is still read below
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          all.write(buf, 0, n);
        }
      } catch (java.net.SocketTimeoutException e) {
        // an answer that never ends is a fault: reported with what arrived
        return new Answer(-1, null, "no end of answer within 10 s: " + all.toString(StandardCharsets.ISO_8859_1));
      } catch (java.net.SocketException e) {
        // a reset after the answer was written: keep what arrived
      }
      String text = all.toString(StandardCharsets.ISO_8859_1);
      if (!text.startsWith("HTTP/1.")) {
        return new Answer(0, null, text);
      }
      int status = Integer.parseInt(text.substring(9, 12));
      int end = text.indexOf("\r\n\r\n");
      String headers = end < 0 ? text : text.substring(0, end);
      String type = null;
      for (String line : headers.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-type:")) {
          type = line.substring(13).trim();
        }
      }
      return new Answer(status, type, end < 0 ? "" : text.substring(end + 4, Math.min(text.length(), end + 600)));
    }
  }

  /** Row count and a digest of the rows of every table. */
  static Map<String, String> snapshot() throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement st = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) "
          + "FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
          + "AND table_schema NOT IN ('pg_catalog', 'information_schema')")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String t : tables) {
        try (ResultSet rs = st.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, '|' "
            + "ORDER BY r::text)), '') FROM " + t + " r")) {
          rs.next();
          out.put(t, rs.getString(1));
        }
      }
    }
    return out;
  }

  private static String pick(Random random, String... options) {
    return options[random.nextInt(options.length)];
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
