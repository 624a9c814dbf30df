package io.hitl.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time used by the processes a run measures, read from /proc (Linux): the gateway's JVM, the PostgreSQL
 * server it started (the postmaster and every backend) and the bench itself. Only the growth over an interval
 * means anything; a figure that cannot be read is NaN, never a guess.
 */
final class ProcCpu {
  /** /proc counts in USER_HZ clock ticks, 100 per second on Linux whatever the kernel's own tick rate. */
  private static final double TICKS_PER_SECOND = 100.0;

  private ProcCpu() {
  }

  /** The fields of /proc/PID/stat after the command's closing parenthesis (the 3rd field, state, first). */
  private static String[] stat(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
  }

  /** User and system time of one process, all its threads; with {@code reaped}, also of its children that ended. */
  private static long ticks(String[] f, boolean reaped) {
    // utime is the 14th field, stime the 15th, cutime and cstime the 16th and 17th
    long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return reaped ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
  }

  /** CPU seconds one process (all its threads) has used so far; NaN when it cannot be read. */
  static double seconds(long pid) {
    try {
      return ticks(stat(pid), false) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * The PostgreSQL server whose data directory is {@code dataDir}: the process whose command line names it
   * (the postmaster; its backends name only their session), or -1.
   */
  static long postmaster(Path dataDir) {
    String dir = dataDir.toAbsolutePath().toString();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
        .chars().allMatch(Character::isDigit))) {
      for (Path p : all) {
        try {
          String cmd = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
          if (cmd.contains("postgres") && cmd.contains(" -D " + dir)) {
            return Long.parseLong(p.getFileName().toString());
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
    long ticks;
    try {
      ticks = ticks(stat(postmaster), true);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    try (DirectoryStream<Path> all = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
        .chars().allMatch(Character::isDigit))) {
      for (Path p : all) {
        try {
          String[] f = stat(Long.parseLong(p.getFileName().toString()));
          // the 4th field is the parent's pid
          if (Long.parseLong(f[1]) == postmaster) {
            ticks += ticks(f, true);
          }
        } catch (IOException | RuntimeException gone) {
          // the process ended between the listing and the read
        }
      }
    } catch (IOException e) {
      return Double.NaN;
    }
    return ticks / TICKS_PER_SECOND;
  }
}
