package io.hitl.bench;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The gateway jar as a child process, as an operator would run it. */
final class GatewayProcess implements AutoCloseable {
  private final Process process;
  final int httpPort;
  final long startedNanos;
  final long readyNanos;

  private GatewayProcess(Process process, int httpPort, long startedNanos, long readyNanos) {
    this.process = process;
    this.httpPort = httpPort;
    this.startedNanos = startedNanos;
    this.readyNanos = readyNanos;
  }

  static GatewayProcess start(Path jar, Map<String, String> env, String heap, Path log) throws Exception {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(javaBin(), "-Xmx" + heap, "-XX:+UseG1GC"));
    // -Dbench.jfr=DIR: each gateway the run starts records a flight recording there (gateway-<port>.jfr)
    String jfr = System.getProperty("bench.jfr");
    if (jfr != null) {
      Files.createDirectories(Path.of(jfr));
      cmd.add("-XX:StartFlightRecording=settings=profile,filename=" + Path.of(jfr, "gateway-" + env.get("HITL_HTTP_PORT")
        + ".jfr").toAbsolutePath());
    }
    cmd.addAll(java.util.List.of("-jar", jar.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    long t0 = System.nanoTime();
    Process p = pb.start();
    int port = Integer.parseInt(env.get("HITL_HTTP_PORT"));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    long deadline = t0 + Duration.ofSeconds(300).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("gateway exited with " + p.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return new GatewayProcess(p, port, t0, System.nanoTime());
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(20);
    }
    p.destroyForcibly();
    throw new IllegalStateException("gateway not ready within 300 s; see " + log);
  }

  long pid() {
    return process.pid();
  }

  /** One slice of warm-up load lasting {@code seconds}; returns how many requests it sent. */
  interface Slice {
    long run(double seconds) throws Exception;
  }

  /**
   * {@code load} in slices of five seconds, at least two, until the JIT compiler threads used under a twentieth of
   * a core over the last slice, at most {@code maxSeconds}: until then the compiler competes with the gateway and
   * PostgreSQL for the cores, a start-up cost the figures are not about. Returns what it did.
   */
  Map<String, Object> warmUp(double maxSeconds, Slice load) throws Exception {
    double slice = 5;
    double spent = 0;
    double jit;
    long sent = 0;
    do {
      double before = compilerCpuSeconds();
      sent += load.run(slice);
      spent += slice;
      jit = compilerCpuSeconds() - before;
    } while (spent < maxSeconds && (spent < 2 * slice || jit > slice / 20));
    return Map.of("seconds", spent, "requests", sent, "jit_cpu_seconds_last_slice", jit, "settled", jit <= slice / 20);
  }

  /**
   * CPU seconds the gateway's JIT compiler threads have used so far, read from /proc (Linux; user and system
   * time of each thread named {@code C1/C2 CompilerThread}); 0 where /proc cannot be read. A compiler thread
   * that exits takes its time with it, so only the growth over a short interval means anything.
   */
  double compilerCpuSeconds() {
    Path tasks = Path.of("/proc", String.valueOf(pid()), "task");
    long ticks = 0;
    try (DirectoryStream<Path> all = Files.newDirectoryStream(tasks)) {
      for (Path task : all) {
        try {
          if (!Files.readString(task.resolve("comm")).contains("CompilerThre")) {
            continue;
          }
          ticks += ProcCpu.ticks(task.resolve("stat"));
        } catch (IOException | RuntimeException gone) {
          // the thread ended between the listing and the read
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return ticks / ProcCpu.TICKS_PER_SECOND;
  }

  double secondsToReady() {
    return (readyNanos - startedNanos) / 1e9;
  }

  /** Used heap after a full GC, in MiB, read with jcmd. */
  double heapUsedMib() throws Exception {
    run(jcmd(), String.valueOf(pid()), "GC.run");
    String info = run(jcmd(), String.valueOf(pid()), "GC.heap_info");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
    if (!m.find()) {
      throw new IllegalStateException("unexpected GC.heap_info output: " + info);
    }
    return Long.parseLong(m.group(1)) / 1024.0;
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String jcmd() {
    File f = Path.of(System.getProperty("java.home"), "bin", "jcmd").toFile();
    return f.exists() ? f.toString() : "jcmd";
  }

  /** SIGTERM, as an orchestrator stops it; waits for a clean exit. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
