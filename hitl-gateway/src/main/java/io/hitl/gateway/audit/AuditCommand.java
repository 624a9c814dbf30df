package io.hitl.gateway.audit;

import io.hitl.gateway.config.ConfigKeys;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.WriteStream;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code audit export} and {@code audit verify} for offline use against a database URL, without starting
 * the gateway: a pool and the same export and verification code the API runs. Exit codes: 0 ok,
 * 1 verification failed or the database could not be read, 2 usage error.
 */
public final class AuditCommand {
  public static final String USAGE = "usage: hitl-gateway audit export [--db URL] [--from INSTANT] [--to INSTANT] "
    + "[--action NAME] [--format ndjson|csv] [--out FILE]\n"
    + "       hitl-gateway audit verify [--db URL] [--archive DIR] [--checkpoints DIR] [--public-keys KEYS]"
    + " [--from-checkpoint]\n"
    + "--db defaults to HITL_DB_URL (postgresql://user[:password]@host:port/database); --checkpoints to\n"
    + "HITL_CHECKPOINT_DIR and --public-keys (comma-separated base64 Ed25519 keys) to HITL_CHECKPOINT_PUBLIC_KEYS";
  private static final long TIMEOUT_HOURS = 24;

  private AuditCommand() {
  }

  public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.isEmpty() || !(args.get(0).equals("export") || args.get(0).equals("verify"))) {
      err.println(USAGE);
      return 2;
    }
    boolean export = args.get(0).equals("export");
    Map<String, String> opts = new HashMap<>();
    List<String> allowed = export ? List.of("--db", "--from", "--to", "--action", "--format", "--out")
      : List.of("--db", "--archive", "--checkpoints", "--public-keys");
    List<String> rest = new ArrayList<>(args.subList(1, args.size()));
    // a flag without a value: the chain is checked from the newest signed checkpoint only
    boolean fromCheckpoint = !export && rest.remove("--from-checkpoint");
    for (int i = 0; i < rest.size(); i += 2) {
      String name = rest.get(i);
      if (!allowed.contains(name) || i + 1 >= rest.size() || opts.containsKey(name)) {
        err.println((allowed.contains(name) ? name + " needs one value" : "unknown option " + name) + "\n" + USAGE);
        return 2;
      }
      opts.put(name, rest.get(i + 1));
    }
    String db = opts.getOrDefault("--db", env.get(ConfigKeys.HITL_DB_URL));
    if (db == null || db.isBlank()) {
      err.println("--db URL (or HITL_DB_URL) is required\n" + USAGE);
      return 2;
    }
    PgConnectOptions connect;
    try {
      connect = PgConnectOptions.fromUri(db);
    } catch (RuntimeException e) {
      err.println("--db is not a PostgreSQL URL (postgresql://user@host:port/database)");
      return 2;
    }
    Path checkpoints = null;
    Map<String, PublicKey> keys = Map.of();
    if (!export) {
      String dir = opts.getOrDefault("--checkpoints", env.get(ConfigKeys.HITL_CHECKPOINT_DIR));
      String list = opts.getOrDefault("--public-keys", env.get(ConfigKeys.HITL_CHECKPOINT_PUBLIC_KEYS));
      if (dir != null && !dir.isBlank()) {
        if (list == null || list.isBlank()) {
          err.println("--checkpoints needs --public-keys (or HITL_CHECKPOINT_PUBLIC_KEYS) to check signatures\n" + USAGE);
          return 2;
        }
        try {
          keys = CheckpointKeys.trusted(Arrays.stream(list.split(",")).map(String::strip).filter(k -> !k.isEmpty())
            .toList(), null);
          checkpoints = Path.of(dir);
        } catch (IllegalArgumentException e) {
          err.println("--public-keys: a key " + e.getMessage());
          return 2;
        }
      }
    }
    ExportQuery query = null;
    if (export) {
      Map<String, String> params = new HashMap<>();
      params.put("from", opts.get("--from"));
      params.put("to", opts.get("--to"));
      params.put("action", opts.get("--action"));
      params.put("format", opts.get("--format"));
      try {
        query = ExportQuery.parse(params);
      } catch (GatewayException e) {
        err.println(e.getMessage().replaceFirst("^(from|to|action|format)", "--$1"));
        return 2;
      }
    }
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(connect).using(vertx).build();
    try {
      return export ? export(vertx, pool, query, opts.get("--out"), out, err)
        : verify(new AuditService(vertx, pool, checkpoints, keys), opts.get("--archive"), fromCheckpoint, out, err);
    } finally {
      // closed one after the other from this thread: closing Vert.x from its own event loop never completes
      try {
        await(pool.close());
      } finally {
        await(vertx.close());
      }
    }
  }

  private static int export(Vertx vertx, Pool pool, ExportQuery q, String file, PrintStream out, PrintStream err) {
    try {
      WriteStream<Buffer> sink = file == null ? new OutputWriteStream(vertx, out)
        : await(vertx.fileSystem().open(Path.of(file).toAbsolutePath().toString(),
          new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true)));
      long n = await(new JournalExport(pool, q, sink).run(() -> { }).compose(count -> sink.end().map(count)));
      if (file == null) {
        OutputWriteStream.close(out);
      } else {
        err.println("exported " + n + " journal entries to " + file);
      }
      return 0;
    } catch (RuntimeException e) {
      err.println("export failed: " + e.getMessage());
      return 1;
    }
  }

  private static int verify(AuditService service, String archive, boolean fromCheckpoint, PrintStream out,
      PrintStream err) {
    AuditService.Report r;
    try {
      r = await(service.verify(archive == null ? null : Path.of(archive), fromCheckpoint));
    } catch (RuntimeException e) {
      err.println("verify failed: " + e.getMessage());
      return 1;
    }
    out.println("journal entries checked: " + r.journalChecked() + (r.fromCheckpointSeq() != null
      ? " (from the signed checkpoint at seq " + r.fromCheckpointSeq() + ")" : " (across " + r.archivedSegments()
      + " archived segment(s)" + (r.archiveFilesChecked() ? ", files re-read" : "") + ")"));
    out.println("approval rows checked: " + r.approvalsChecked() + " (" + r.replay().replayed()
      + " replayed from the journal)");
    out.println(r.checkpoints().configured() ? "checkpoints matched: " + r.checkpoints().matched()
      + (r.checkpoints().notCompared() > 0 ? " (" + r.checkpoints().notCompared() + " inside archived segments not "
        + "re-read)" : "") : "checkpoints: not checked (no --checkpoints)");
    out.println(r.guards().replayed() ? "guard tables replayed from the journal"
      : "guard tables: not replayed (archived history not re-read; use --archive)");
    if (r.valid()) {
      out.println("valid");
      return 0;
    }
    if (r.firstBrokenSeq() != null) {
      out.println("INVALID: journal broken at seq " + r.firstBrokenSeq() + ": " + r.journalProblem());
    }
    if (!r.approvalsInvalid().isEmpty()) {
      out.println("INVALID: approval rows with a bad row_hash: " + r.approvalsInvalid());
    }
    for (io.hitl.gateway.core.machine.Mismatch m : r.replay().mismatches()) {
      out.println("INVALID: " + m.table() + " " + m.id() + " " + m.field() + ": journal says " + m.expected()
        + ", table has " + m.found() + " (journal seq " + m.seq() + ")");
    }
    for (java.util.Map<String, Object> f : r.replay().integrityFailures()) {
      out.println("INVALID: integrity failure recorded for approval " + f.get("approval_id") + " at seq " + f.get("seq")
        + ": " + f.get("problem"));
    }
    r.checkpoints().problems().forEach(p -> out.println("INVALID: " + p));
    r.guards().differences().forEach(d -> out.println("INVALID: " + d.describe()));
    return 1;
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(TIMEOUT_HOURS, TimeUnit.HOURS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw new IllegalStateException(c == null ? e.getMessage() : c.getMessage(), c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out", e);
    }
  }
}
