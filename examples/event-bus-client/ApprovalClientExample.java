import io.hitl.client.ApprovalClient;
import io.hitl.client.ApprovalEvent;
import io.hitl.client.ApprovalView;
import io.hitl.client.BusCredentials;
import io.hitl.client.ClusterJoin;
import io.hitl.client.Decision;
import io.hitl.client.HitlException;
import io.hitl.client.contract.ErrorCodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A trading engine and a risk desk in one separate JVM, talking to the gateway over the clustered event
 * bus. Needs only hitl-client, vertx-core and vertx-hazelcast on the class path:
 *
 *   HITL_CLUSTER_MEMBERS=127.0.0.1:5701 HITL_CLUSTER_PORT=5710 \
 *   HITL_SUBMITTER_TOKEN=$(java -jar hitl-gateway/target/hitl-gateway.jar token --subject engine-7 --roles submitter) \
 *   HITL_APPROVER_TOKEN=$(java -jar hitl-gateway/target/hitl-gateway.jar token --subject desk-alice --roles approver) \
 *   java -cp hitl-client/target/hitl-client-0.1.0-SNAPSHOT.jar:$(cat hitl-client/target/runtime-classpath.txt) \
 *     examples/event-bus-client/ApprovalClientExample.java
 *
 * Exit code 0 when the request was created, priced, approved, a second decision refused and both events seen.
 */
public class ApprovalClientExample {

  public static void main(String[] args) throws Exception {
    Vertx vertx = ClusterJoin.join(System.getenv()).await(60, TimeUnit.SECONDS);
    int exit;
    try {
      exit = run(vertx);
    } catch (HitlException e) {
      System.out.println("refused " + e.code() + " " + e.detail());
      exit = 1;
    } finally {
      // leave the cluster cleanly rather than make the gateway nodes detect a vanished member
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    System.exit(exit);
  }

  static int run(Vertx vertx) throws Exception {
    ApprovalClient engine = ApprovalClient.create(vertx, BusCredentials.token(System.getenv("HITL_SUBMITTER_TOKEN")));
    ApprovalClient desk = engine.withCredentials(BusCredentials.token(System.getenv("HITL_APPROVER_TOKEN")));

    List<ApprovalEvent> events = new CopyOnWriteArrayList<>();
    engine.onEvent(events::add).await();

    JsonObject trade = new JsonObject().put("type", "TRADE_EXECUTION").put("ticker", "7203.T").put("action", "BUY")
      .put("quantity", 100).put("price", "2850.5").put("strategy", "momentum").put("reason", "Strong momentum");
    ApprovalView created = engine.create(trade, "example-" + System.nanoTime()).await().approval();
    System.out.println("created " + created.requestId() + " " + created.status().json() + " expires "
      + created.expiresAt());

    // a trade is approved only against a fresh quote for its ticker (SEC-051 otherwise)
    engine.postQuote("7203.T", new BigDecimal("2850"), new BigDecimal("2851")).await();
    ApprovalView approved = desk.decide(created.requestId(), Decision.APPROVE, null, "within limits").await();
    System.out.println("decided " + approved.requestId() + " " + approved.status().json() + " by "
      + approved.decidedBy() + " via " + approved.decisionChannel());

    try {
      desk.decide(created.requestId(), Decision.REJECT, "second thoughts", null).await();
      System.out.println("unexpected: a second decision was accepted");
      return 1;
    } catch (HitlException e) {
      System.out.println("refused " + e.code() + (e.is(ErrorCodes.SEC_012) ? " already decided" : ""));
    }

    long deadline = System.currentTimeMillis() + 10_000;
    while (about(events, created).size() < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    about(events, created).forEach(e -> System.out.println("event " + e.event() + " seq " + e.seq() + " by "
      + e.actor()));
    return about(events, created).size() == 2 ? 0 : 1;
  }

  private static List<ApprovalEvent> about(List<ApprovalEvent> events, ApprovalView request) {
    return events.stream().filter(e -> e.approval() != null && e.approval().requestId().equals(request.requestId()))
      .toList();
  }
}
