package io.hitl.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time used by the processes a run measures, read from /proc (Linux): the gateway's JVM (or some of its
 * threads), the PostgreSQL server it started (the postmaster and every backend) and the bench itself. Only the
 * growth over an interval means anything; a figure that cannot be read is NaN, never a guess.
 */
final class ProcCpu {
  /** /proc counts in USER_HZ clock ticks, 100 per second on Linux whatever the kernel's own tick rate. */
  static final double TICKS_PER_SECOND = 100.0;

  private ProcCpu() {
  }

  /** The fields of a /proc stat file after the command's closing parenthesis (the 3rd field, state, first). */
  private static String[] fields(Path stat) throws IOException {
    String text = Files.readString(stat);
    return text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
  }

  private static String[] stat(long pid) throws IOException {
    return fields(Path.of("/proc", String.valueOf(pid), "stat"));
  }

  /** User and system time of one process (all its threads) or thread; with {@code reaped}, also of ended children. */
  private static long ticks(String[] f, boolean reaped) {
    // utime is the 14th field, stime the 15th, cutime and cstime the 16th and 17th
    long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return reaped ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
  }

  /** User and system ticks of one stat file (a process's or a thread's {@code /proc/.../stat}). */
  static long ticks(Path stat) throws IOException {
    return ticks(fields(stat), false);
  }

  /** CPU seconds one process (all its threads) has used so far; NaN when it cannot be read. */
  static double seconds(long pid) {
    try {
      return ticks(stat(pid), false) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** The pids of every process running now. */
  private static List<Long> processes() throws IOException {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
        .chars().allMatch(Character::isDigit))) {
      all.forEach(p -> out.add(Long.parseLong(p.getFileName().toString())));
    }
    return out;
  }

  /**
   * The PostgreSQL server whose data directory is {@code dataDir}: the process whose command line names it
   * (the postmaster; its backends name only their session), or -1.
   */
  static long postmaster(Path dataDir) {
    String dir = dataDir.toAbsolutePath().toString();
    try {
      for (long pid : processes()) {
        try {
          String cmd = new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")))
            .replace('\0', ' ');
          if (cmd.contains("postgres") && cmd.contains(" -D " + dir)) {
            return pid;
          }
        } catch (IOException | RuntimeException gone) {
          // the process ended between the listing and the read
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  /**
   * CPU seconds a PostgreSQL server has used so far: the postmaster, the backends and background processes
   * running now, and those that ended (reaped by the postmaster, so counted in its children's time). A backend
   * that ends between two readings moves from the first sum to the second, so the growth stays exact.
   */
  static double postgresSeconds(long postmaster) {
    if (postmaster <= 0) {
      return Double.NaN;
    }
    try {
      long ticks = ticks(stat(postmaster), true);
      for (long pid : processes()) {
        try {
          String[] f = stat(pid);
          // the 4th field is the parent's pid
          if (Long.parseLong(f[1]) == postmaster) {
            ticks += ticks(f, true);
          }
        } catch (IOException | RuntimeException gone) {
          // the process ended between the listing and the read
        }
      }
      return ticks / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
