package io.hitl.gateway.audit;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.ApprovalJson;
import io.hitl.gateway.bus.BusActor;
import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Role;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/** Journal queries and verification over `hitl.audit.query` and `hitl.audit.verify`. */
public class AuditVerticle extends VerticleBase {
  public static final int MAX_LIMIT = 1000;
  private final Pool pool;
  private final Path archiveDir;
  private final Clock clock;
  private AuditService service;

  private final Path checkpointDir;
  private final Map<String, PublicKey> trustedKeys;

  /** Verifies against the checkpoints in {@code checkpointDir} signed by one of {@code trustedKeys}. */
  public AuditVerticle(Pool pool, Path archiveDir, Clock clock, Path checkpointDir, Map<String, PublicKey> trustedKeys) {
    this.pool = pool;
    this.archiveDir = archiveDir;
    this.clock = clock;
    this.checkpointDir = checkpointDir;
    this.trustedKeys = trustedKeys;
  }

  @Override
  public Future<?> start() {
    service = new AuditService(vertx, pool, checkpointDir, trustedKeys);
    return Future.join(
      vertx.eventBus().<JsonObject>consumer(Addresses.AUDIT_QUERY, this::query).completion(),
      vertx.eventBus().<JsonObject>consumer(Addresses.AUDIT_VERIFY, this::verify).completion(),
      vertx.eventBus().<JsonObject>consumer(Addresses.AUDIT_EXPORT, this::export).completion());
  }

  /** Checks the reader and journals the export (audit_exported) before the HTTP layer streams it. */
  private void export(Message<JsonObject> msg) {
    Actor actor;
    ExportQuery q;
    try {
      actor = BusActor.from(msg.headers());
      requireAuditor(actor);
      JsonObject b = msg.body() == null ? new JsonObject() : msg.body();
      Map<String, String> params = new java.util.HashMap<>();
      b.forEach(e -> params.put(e.getKey(), e.getValue() == null ? null : String.valueOf(e.getValue())));
      q = ExportQuery.parse(params);
    } catch (GatewayException e) {
      BusErrors.fail(msg, e);
      return;
    }
    service.recordExport(clock, actor, q, msg.headers().get(Headers.CORRELATION_ID))
      .onSuccess(v -> msg.reply(new JsonObject().put("recorded", true)))
      .onFailure(t -> fail(msg, t));
  }

  private void query(Message<JsonObject> msg) {
    try {
      requireAuditor(BusActor.from(msg.headers()));
      JsonObject b = msg.body() == null ? new JsonObject() : msg.body();
      UUID id = null;
      if (b.getValue("approval_id") != null) {
        try {
          id = UUID.fromString(String.valueOf(b.getValue("approval_id")));
        } catch (IllegalArgumentException e) {
          throw GatewayException.invalid(Map.of("approval_id", "must be a UUID"));
        }
      }
      int limit;
      try {
        limit = Integer.parseInt(String.valueOf(b.getValue("limit", 100)));
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw GatewayException.invalid(Map.of("limit", "must be between 1 and " + MAX_LIMIT));
      }
      service.query(id, limit).onSuccess(entries -> {
        JsonArray a = new JsonArray();
        entries.forEach(e -> a.add(ApprovalJson.journal(e)));
        msg.reply(new JsonObject().put("entries", a));
      }).onFailure(t -> fail(msg, t));
    } catch (GatewayException e) {
      BusErrors.fail(msg, e);
    }
  }

  private void verify(Message<JsonObject> msg) {
    try {
      requireAuditor(BusActor.from(msg.headers()));
    } catch (GatewayException e) {
      BusErrors.fail(msg, e);
      return;
    }
    boolean files = msg.body() != null && Boolean.TRUE.equals(msg.body().getValue("archive"));
    boolean incremental = msg.body() != null && Boolean.TRUE.equals(msg.body().getValue("from_checkpoint"));
    service.verify(files ? archiveDir : null, incremental).onSuccess(r -> msg.reply(report(r)))
      .onFailure(t -> fail(msg, t));
  }

  static JsonObject report(AuditService.Report r) {
    JsonArray differences = new JsonArray();
    r.guards().differences().forEach(d -> differences.add(new JsonObject()
      .put("table", d.table())
      .put("id", d.id())
      .put("field", d.field())
      .put("expected", d.expected())
      .put("found", d.found())
      .put("journal_seq", d.seq())));
    return new JsonObject()
      .put("valid", r.valid())
      .put("journal", new JsonObject()
        .put("entries_checked", r.journalChecked())
        .put("first_invalid_seq", r.firstBrokenSeq())
        .put("problem", r.journalProblem())
        .put("archived_segments", r.archivedSegments())
        .put("archive_files_checked", r.archiveFilesChecked())
        .put("from_checkpoint_seq", r.fromCheckpointSeq()))
      .put("approvals", new JsonObject()
        .put("rows_checked", r.approvalsChecked())
        .put("invalid_ids", new JsonArray(r.approvalsInvalid().stream().map(UUID::toString).toList())))
      .put("replay", ReplayJson.of(r.replay()))
      .put("checkpoints", new JsonObject()
        .put("configured", r.checkpoints().configured())
        .put("matched", r.checkpoints().matched())
        .put("not_compared", r.checkpoints().notCompared())
        .put("problems", new JsonArray(r.checkpoints().problems())))
      .put("guards", new JsonObject()
        .put("replayed", r.guards().replayed())
        .put("differences", differences));
  }

  private static void requireAuditor(Actor actor) {
    if (!(actor.has(Role.VIEWER) || actor.has(Role.APPROVER))) {
      throw new GatewayException(ErrorCode.SEC_002, "Role 'viewer', 'approver' or 'admin' is required to read the audit journal");
    }
  }

  private static void fail(Message<?> msg, Throwable t) {
    BusErrors.fail(msg, io.hitl.gateway.store.DbFailures.of(t));
  }
}
