package io.hitl.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The chaos suite: kill -9 of a node, PostgreSQL outages, fuzzing, deadline races and authentication attacks
 * against the real jar on loopback. Prints one verdict line per scenario and exits 1 if any acceptance figure
 * is missed. Run through chaos/run.
 */
public final class Chaos {
  static final List<String> SCENARIOS = List.of("auth-attacks", "fuzz", "db-outage", "deadline-races", "kill-9");
  static final String BEGIN = "<!-- chaos:figures:begin -->";
  static final String END = "<!-- chaos:figures:end -->";

  private Chaos() {
  }

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    String only = null;
    long seed = System.nanoTime() & 0xFFFFFFFFL;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--only" -> only = args[++i];
        case "--seed" -> seed = Long.parseLong(args[++i]);
        default -> {
          System.err.println("usage: chaos/run [--quick] [--only " + String.join("|", SCENARIOS)
            + "|db-outage:<terminate|disallow|refuse|blackhole>] [--seed N]");
          System.exit(2);
        }
      }
    }
    String scenario = only == null ? null : only.split(":", 2)[0];
    if (scenario != null && !SCENARIOS.contains(scenario)) {
      System.err.println("unknown scenario " + only + "; one of " + SCENARIOS);
      System.exit(2);
    }
    Path repo = Path.of(System.getProperty("chaos.repo", ".")).toAbsolutePath().normalize();
    System.out.println("chaos: " + (quick ? "quick" : "full") + " mode, seed " + seed + ", logs in target/chaos/");
    List<Verdict> verdicts = new ArrayList<>();
    long t0 = System.currentTimeMillis();
    try (Env env = new Env(repo)) {
      // a harness stopped by a signal (a CI time-out, Ctrl-C) leaves no gateway running behind it
      Runtime.getRuntime().addShutdownHook(new Thread(env::killNodes));
      System.out.println("chaos: PostgreSQL server " + env.serverUrl.replaceAll("//[^@/]*@", "//"));
      for (String s : SCENARIOS) {
        if (scenario != null && !scenario.equals(s)) {
          continue;
        }
        List<Verdict> got = new ArrayList<>();
        long started = System.currentTimeMillis();
        try {
          switch (s) {
            case "auth-attacks" -> got.add(new AuthAttacks(env).run());
            case "fuzz" -> got.add(new Fuzz(env, quick, seed).run());
            case "db-outage" -> got.addAll(new DbOutage(env, quick).run(only != null && only.contains(":")
              ? List.of(only.split(":", 2)[1]) : DbOutage.MODES));
            case "deadline-races" -> got.add(new DeadlineRace(env, quick, seed).run());
            default -> got.add(new KillNode(env, quick).run());
          }
        } catch (Exception | AssertionError e) {
          Verdict broken = new Verdict(s).require(false, "scenario ran to the end", e.toString());
          broken.seconds = (System.currentTimeMillis() - started) / 1000;
          e.printStackTrace();
          got.add(broken);
        }
        for (Verdict v : got) {
          System.out.println(v.line());
        }
        verdicts.addAll(got);
      }
    }
    long failed = verdicts.stream().filter(v -> !v.passed()).count();
    long minutes = (System.currentTimeMillis() - t0) / 60_000;
    System.out.println("chaos: " + (verdicts.size() - failed) + " of " + verdicts.size() + " passed in " + minutes
      + " min (seed " + seed + ")");
    String figures = figures(verdicts, quick, seed, repo);
    Files.writeString(repo.resolve("target/chaos/results.md"), figures);
    if (!quick && only == null) {
      Path doc = repo.resolve("docs/reliability.md");
      String text = Files.readString(doc);
      int b = text.indexOf(BEGIN);
      int e = text.indexOf(END);
      if (b >= 0 && e > b) {
        Files.writeString(doc, text.substring(0, b + BEGIN.length()) + "\n" + figures + text.substring(e));
        System.out.println("chaos: figures written to docs/reliability.md");
      }
    }
    System.exit(failed == 0 ? 0 : 1);
  }

  static String figures(List<Verdict> verdicts, boolean quick, long seed, Path repo) throws Exception {
    StringBuilder b = new StringBuilder();
    b.append("Run of ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(" on ")
      .append(Runtime.getRuntime().availableProcessors()).append(" CPUs (").append(cpuModel()).append("), ")
      .append(System.getProperty("chaos.revision", "unknown revision")).append(", command `")
      .append(System.getProperty("chaos.command", "chaos/run")).append("`, seed ").append(seed).append(", ")
      .append(quick ? "quick" : "full").append(" mode.\n\n");
    b.append("| scenario | verdict | figures | missed |\n|---|---|---|---|\n");
    for (Verdict v : verdicts) {
      StringBuilder f = new StringBuilder();
      v.figures.forEach((k, val) -> f.append(f.length() == 0 ? "" : ", ").append(k).append(" ").append(val));
      StringBuilder m = new StringBuilder();
      v.missed.forEach((k, val) -> m.append(m.length() == 0 ? "" : "; ").append(k).append(": ")
        .append(val.length() > 300 ? val.substring(0, 300) + "…" : val));
      b.append("| ").append(v.scenario).append(" | ").append(v.passed() ? "pass" : "FAIL").append(" | ")
        .append(f.toString().replace("|", "/")).append(" | ").append(m.toString().replace("|", "/").replace("\n", " "))
        .append(" |\n");
    }
    return b.toString();
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.toLowerCase(Locale.ROOT).startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (Exception e) {
      return System.getProperty("os.arch");
    }
    return System.getProperty("os.arch");
  }
}
