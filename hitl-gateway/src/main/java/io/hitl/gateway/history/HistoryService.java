package io.hitl.gateway.history;

import io.hitl.gateway.bus.ApprovalJson;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.HistoryFilter;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.machine.RowCheck;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.store.HistoryStore;
import io.hitl.gateway.store.SearchStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request history for operators: a filtered page with the total and the cursor of the next page, and the
 * record of an export before it streams. Read-only over approvals; each row on a page is checked against
 * its journal as every read is, and one that does not match is left out and named in integrity_failures.
 */
public final class HistoryService {
  static final String EXPORTED = "history_exported";
  private final Pool pool;
  private final Clock clock;
  private final Journal journal;
  private final SearchStore search = new SearchStore();
  private final HistoryStore histories = new HistoryStore();

  public HistoryService(Pool pool, Clock clock, Journal journal) {
    this.pool = pool;
    this.clock = clock;
    this.journal = journal;
  }

  /**
   * {items, total, total_exact, next_cursor, filters, integrity_failures?}: one page, newest first; the total is
   * exact up to {@link SearchStore#COUNT_CAP} matches and "at least" that many past it.
   */
  public Future<JsonObject> search(HistoryFilter f, Actor actor) {
    requireReader(actor);
    Future<List<HistoryStore.Read>> page = search.pageWithHistories(pool, f, histories);
    Future<SearchStore.Total> total = search.count(pool, f);
    return Future.all(page, total).map(x -> {
      List<HistoryStore.Read> rows = page.result();
      boolean more = rows.size() > f.limit();
      List<HistoryStore.Read> shown = more ? rows.subList(0, f.limit()) : rows;
      JsonArray items = new JsonArray();
      JsonArray bad = new JsonArray();
      for (HistoryStore.Read r : shown) {
        Approval a = r.row();
        if (RowCheck.of(a, r.history().entries(), r.history().votes()).ok()) {
          items.add(ApprovalJson.approval(a, clock.instant()));
        } else {
          bad.add(a.id().toString());
        }
      }
      Approval last = shown.isEmpty() ? null : shown.get(shown.size() - 1).row();
      JsonObject out = new JsonObject().put("items", items).put("total", total.result().count())
        .put("total_exact", total.result().exact())
        .put("next_cursor", more ? new HistoryFilter.Cursor(last.createdAt(), last.id()).encode() : null)
        .put("filters", new JsonObject(new LinkedHashMap<>(f.echo())));
      if (!bad.isEmpty()) {
        out.put("integrity_failures", bad);
      }
      return out;
    }).recover(DbFailures::fail);
  }

  /** Checks the reader and journals who exported which filter, before the export streams. */
  public Future<Void> recordExport(HistoryFilter f, Actor actor, String corr) {
    requireReader(actor);
    Map<String, Object> payload = new LinkedHashMap<>(f.echo());
    JournalEntry e = JournalEntry.of(null, "approvals", actor.subject(), EXPORTED, null, null, payload, corr, null,
      clock.instant());
    return journal.inTransaction(pool, tx -> tx.append(actor.stamp(e))).<Void>mapEmpty().recover(DbFailures::fail);
  }

  private static void requireReader(Actor actor) {
    if (!actor.canRead()) {
      throw new GatewayException(ErrorCode.SEC_002, "A role is required to read requests");
    }
  }
}
