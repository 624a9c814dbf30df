package io.hitl.gateway.support;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local OpenTelemetry collector endpoint: accepts OTLP/HTTP protobuf posts to /v1/traces and decodes the
 * spans in them (trace and span ids, parent, name, kind, string attributes, and the resource's attributes).
 */
public final class OtlpReceiver implements AutoCloseable {
  public record Post(String path, String contentType, byte[] body) {
  }

  public record Span(Map<String, String> resource, String traceId, String spanId, String parentSpanId, String name,
      int kind, Map<String, String> attributes) {
    public static final int INTERNAL = 1;
    public static final int SERVER = 2;
    public static final int CLIENT = 3;

    public String instance() {
      return resource.get("service.instance.id");
    }
  }

  private final HttpServer server;
  private final List<Post> posts = new CopyOnWriteArrayList<>();
  private final List<Span> spans = new CopyOnWriteArrayList<>();

  public OtlpReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        body = bytes.toByteArray();
      }
      posts.add(new Post(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Content-Type"),
        body));
      int status = 200;
      try {
        spans.addAll(decode(body));
      } catch (RuntimeException e) {
        status = 400;
      }
      // an empty ExportTraceServiceResponse: everything accepted
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Post> posts() {
    return List.copyOf(posts);
  }

  public List<Span> spans() {
    return List.copyOf(spans);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** ExportTraceServiceRequest: 1 resource_spans { 1 resource { 1 attributes }, 2 scope_spans { 2 spans } }. */
  static List<Span> decode(byte[] body) {
    List<Span> out = new ArrayList<>();
    for (Field rs : fields(body)) {
      if (rs.number != 1) {
        continue;
      }
      Map<String, String> resource = new LinkedHashMap<>();
      List<byte[]> scopeSpans = new ArrayList<>();
      for (Field f : fields(rs.bytes)) {
        if (f.number == 1) {
          fields(f.bytes).stream().filter(a -> a.number == 1).forEach(a -> keyValue(a.bytes, resource));
        } else if (f.number == 2) {
          scopeSpans.add(f.bytes);
        }
      }
      for (byte[] ss : scopeSpans) {
        for (Field s : fields(ss)) {
          if (s.number == 2) {
            out.add(span(resource, s.bytes));
          }
        }
      }
    }
    return out;
  }

  /** Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 6 kind, 9 attributes. */
  private static Span span(Map<String, String> resource, byte[] bytes) {
    String trace = "";
    String id = "";
    String parent = "";
    String name = "";
    int kind = 0;
    Map<String, String> attributes = new LinkedHashMap<>();
    HexFormat hex = HexFormat.of();
    for (Field f : fields(bytes)) {
      switch (f.number) {
        case 1 -> trace = hex.formatHex(f.bytes);
        case 2 -> id = hex.formatHex(f.bytes);
        case 4 -> parent = hex.formatHex(f.bytes);
        case 5 -> name = new String(f.bytes, StandardCharsets.UTF_8);
        case 6 -> kind = (int) f.varint;
        case 9 -> keyValue(f.bytes, attributes);
        default -> { }
      }
    }
    return new Span(resource, trace, id, parent, name, kind, attributes);
  }

  /** KeyValue: 1 key, 2 AnyValue { 1 string_value, 3 int_value }. */
  private static void keyValue(byte[] bytes, Map<String, String> into) {
    String key = null;
    String value = null;
    for (Field f : fields(bytes)) {
      if (f.number == 1) {
        key = new String(f.bytes, StandardCharsets.UTF_8);
      } else if (f.number == 2) {
        for (Field v : fields(f.bytes)) {
          if (v.number == 1) {
            value = new String(v.bytes, StandardCharsets.UTF_8);
          } else if (v.number == 3) {
            value = Long.toString(v.varint);
          }
        }
      }
    }
    if (key != null && value != null) {
      into.put(key, value);
    }
  }

  private record Field(int number, long varint, byte[] bytes) {
  }

  private static List<Field> fields(byte[] b) {
    List<Field> out = new ArrayList<>();
    int[] at = {0};
    while (at[0] < b.length) {
      long tag = varint(b, at);
      int number = (int) (tag >>> 3);
      switch ((int) (tag & 7)) {
        case 0 -> out.add(new Field(number, varint(b, at), null));
        case 1 -> {
          at[0] += 8;
          out.add(new Field(number, 0, null));
        }
        case 2 -> {
          int len = (int) varint(b, at);
          byte[] v = java.util.Arrays.copyOfRange(b, at[0], at[0] + len);
          at[0] += len;
          out.add(new Field(number, 0, v));
        }
        case 5 -> {
          at[0] += 4;
          out.add(new Field(number, 0, null));
        }
        default -> throw new IllegalArgumentException("not protobuf: wire type " + (tag & 7));
      }
    }
    return out;
  }

  private static long varint(byte[] b, int[] at) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte x = b[at[0]++];
      v |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("not protobuf: varint too long");
  }
}
