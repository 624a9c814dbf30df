package io.hitl.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the gateway's CPU time went in a flight recording (bench -Dbench.jfr=DIR): execution samples grouped
 * by the nearest frame in a known library or in the gateway, and the gateway methods nearest the top.
 *   java -cp bench/target/hitl-bench.jar io.hitl.bench.JfrSummary target/bench/jfr/gateway-PORT.jfr [SECONDS]
 * With SECONDS, only the samples of the recording's last SECONDS count (a phase that runs last, such as the
 * decisions of {@code --phases=decisions} or the expiries of {@code --phases=expiry}).
 */
public final class JfrSummary {
  private static final Map<String, String> AREAS = new LinkedHashMap<>();

  static {
    AREAS.put("io.vertx.pgclient", "PostgreSQL client: protocol encode/decode");
    AREAS.put("io.vertx.sqlclient", "PostgreSQL client: pool and queries");
    AREAS.put("com.fasterxml.jackson", "JSON encode/parse");
    AREAS.put("io.vertx.core.json", "JSON encode/parse");
    AREAS.put("java.security", "hashing and signatures (JWT, journal chain)");
    AREAS.put("sun.security", "hashing and signatures (JWT, journal chain)");
    AREAS.put("javax.crypto", "hashing and signatures (JWT, journal chain)");
    AREAS.put("io.vertx.ext.auth", "hashing and signatures (JWT, journal chain)");
    AREAS.put("ch.qos.logback", "logging");
    AREAS.put("org.slf4j", "logging");
    AREAS.put("io.micrometer", "metrics and tracing");
    AREAS.put("io.opentelemetry", "metrics and tracing");
    AREAS.put("io.vertx.ext.web", "HTTP routing");
    AREAS.put("io.vertx.core.eventbus", "event bus");
    AREAS.put("io.netty", "network I/O (Netty, HTTP codec)");
    AREAS.put("sun.nio", "network I/O (Netty, HTTP codec)");
    AREAS.put("io.vertx.core.http", "network I/O (Netty, HTTP codec)");
    AREAS.put("io.vertx.core.net", "network I/O (Netty, HTTP codec)");
    AREAS.put("java.math", "decimal arithmetic and formatting");
    AREAS.put("io.hitl", "gateway code (its own frames)");
  }

  private JfrSummary() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, Integer> areas = new TreeMap<>();
    Map<String, Integer> methods = new TreeMap<>();
    int samples = 0;
    List<RecordedEvent> events = RecordingFile.readAllEvents(Path.of(args[0])).stream()
      .filter(e -> e.getEventType().getName().equals("jdk.ExecutionSample") && e.getStackTrace() != null).toList();
    Instant end = events.stream().map(RecordedEvent::getStartTime).max(Instant::compareTo)
      .orElse(Instant.EPOCH);
    Instant from = args.length > 1 ? end.minusSeconds(Long.parseLong(args[1])) : Instant.MIN;
    for (RecordedEvent e : events) {
      if (e.getStartTime().isBefore(from)) {
        continue;
      }
      samples++;
      List<RecordedFrame> frames = e.getStackTrace().getFrames();
      areas.merge(area(frames), 1, Integer::sum);
      frames.stream().filter(f -> type(f).startsWith("io.hitl.")).findFirst()
        .ifPresent(f -> methods.merge(simple(type(f)) + "." + method(f), 1, Integer::sum));
    }
    int n = samples;
    System.out.println(n + " execution samples" + (args.length > 1 ? " in the last " + args[1] + " s, to " + end : ""));
    System.out.println("| where | samples | share |\n|---|---|---|");
    print(areas, n, 20);
    System.out.println("\n| nearest gateway method | samples | share |\n|---|---|---|");
    print(methods, n, 15);
  }

  private static void print(Map<String, Integer> counts, int n, int limit) {
    counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(limit)
      .forEach(en -> System.out.printf("| %s | %d | %.0f %% |%n", en.getKey(), en.getValue(), 100.0 * en.getValue() / n));
  }

  private static String area(List<RecordedFrame> frames) {
    for (RecordedFrame f : frames) {
      String t = type(f);
      for (Map.Entry<String, String> a : AREAS.entrySet()) {
        if (t.startsWith(a.getKey())) {
          return a.getValue();
        }
      }
    }
    return "JDK (collections, strings, other)";
  }

  private static String type(RecordedFrame f) {
    String t = f.getMethod().getType().getName();
    int lambda = t.indexOf("$$Lambda");
    return lambda < 0 ? t : t.substring(0, lambda);
  }

  private static String simple(String type) {
    return type.substring(type.lastIndexOf('.') + 1);
  }

  /** lambda$create$3 reads as create. */
  private static String method(RecordedFrame f) {
    String m = f.getMethod().getName();
    return m.startsWith("lambda$") ? m.substring(7, Math.max(7, m.lastIndexOf('$'))) : m;
  }
}
