#!/usr/bin/env python3
"""Which processes use the machine's CPU while a bench phase runs.

Every INTERVAL seconds (default 1) for COUNT samples (default 60), prints the CPU each group of processes
used in that interval, in cores (2.00 = both cores of a 2-core machine busy): PostgreSQL (every postgres
process), the gateway (java -jar of the gateway jar), the bench (java running BenchRunner) and the rest.
Read from /proc without starting a process per sample. Run it beside a phase, e.g.:

    bench/cpu-share.py 60 > cpu.txt & java ... io.hitl.bench.BenchRunner --phases=decisions
"""
import os
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")
GROUPS = ("postgres", "gateway", "bench", "other")


def group(cmdline):
    if "postgres" in cmdline:
        return "postgres"
    if "BenchRunner" in cmdline:
        return "bench"
    if "java" in cmdline and "-jar" in cmdline:
        return "gateway"
    return "other"


def ticks():
    """CPU ticks (utime + stime) by pid, and each pid's group."""
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        out[pid] = (group(cmd), int(fields[11]) + int(fields[12]))
    return out


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    interval = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    print("time " + " ".join(GROUPS) + " total (cores)", flush=True)
    before, t0 = ticks(), time.monotonic()
    for _ in range(count):
        time.sleep(interval)
        after, t1 = ticks(), time.monotonic()
        used = dict.fromkeys(GROUPS, 0)
        for pid, (g, t) in after.items():
            # a process that started in the interval counts from zero; one that ended is not seen
            used[g] += t - before.get(pid, (g, 0))[1]
        cores = [used[g] / HZ / (t1 - t0) for g in GROUPS]
        print(time.strftime("%H:%M:%S") + " " + " ".join(f"{c:.2f}" for c in cores) + f" {sum(cores):.2f}",
              flush=True)
        before, t0 = after, t1


if __name__ == "__main__":
    main()
