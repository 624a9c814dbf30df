import io.hitl.gateway.client.ApprovalClient;
import io.hitl.gateway.client.ApprovalEvent;
import io.hitl.gateway.client.ApprovalView;
import io.hitl.gateway.client.BusCredentials;
import io.hitl.gateway.cluster.ClusterSetup;
import io.hitl.gateway.core.Decision;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A trading engine and a risk desk in one separate JVM, talking to the gateway over the clustered event
 * bus. Needs only the gateway jar's client classes, vertx-core and vertx-hazelcast on the class path:
 *
 *   HITL_CLUSTER_MEMBERS=127.0.0.1:5701 HITL_CLUSTER_PORT=5710 \
 *   HITL_SUBMITTER_TOKEN=$(java -jar hitl-gateway/target/hitl-gateway.jar token --subject engine-7 --roles submitter) \
 *   HITL_APPROVER_TOKEN=$(java -jar hitl-gateway/target/hitl-gateway.jar token --subject desk-alice --roles approver) \
 *   java -cp hitl-gateway/target/hitl-gateway.jar examples/event-bus-client/ApprovalClientExample.java
 *
 * Exit code 0 when the request was created, approved, a second decision refused and both events seen.
 */
public class ApprovalClientExample {

  public static void main(String[] args) throws Exception {
    Vertx vertx = ClusterSetup.joinAsClient(System.getenv()).await(60, TimeUnit.SECONDS);
    int exit;
    try {
      exit = run(vertx);
    } catch (GatewayException e) {
      System.out.println("refused " + e.code().code() + " " + e.detail());
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

    ApprovalView approved = desk.decide(created.requestId(), Decision.APPROVE, null, "within limits").await();
    System.out.println("decided " + approved.requestId() + " " + approved.status().json() + " by "
      + approved.decidedBy() + " via " + approved.decisionChannel());

    try {
      desk.decide(created.requestId(), Decision.REJECT, "second thoughts", null).await();
      System.out.println("unexpected: a second decision was accepted");
      return 1;
    } catch (GatewayException e) {
      System.out.println("refused " + e.code().code() + (e.code() == ErrorCode.SEC_012 ? " already decided" : ""));
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
