package io.hitl.gateway.observability;

import io.hitl.gateway.support.Repo;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Grafana dashboard and the Prometheus alert rules in ops/ query only metrics that GET /metrics really
 * exports, the PrometheusRule carries the same rules as the plain file, and promtool accepts and unit-tests them.
 */
class OpsPackTest {
  static final Path RULES = Repo.path("ops", "prometheus", "hitl-gateway.rules.yml");
  static final Path RULE_TESTS = Repo.path("ops", "prometheus", "hitl-gateway.rules.test.yml");
  static final Path OPERATOR_RULE = Repo.path("ops", "prometheus", "prometheus-rule.yaml");
  static final Path DASHBOARD = Repo.path("ops", "grafana", "hitl-gateway.dashboard.json");
  /** Metric names of the gateway, Vert.x and the JVM; label names and PromQL functions never start so. */
  static final Pattern METRIC = Pattern.compile(
    "\\b((?:hitl|blocked_by_guardian|decision_latency|vertx|jvm|process|system)_[a-z0-9_]*)");
  static final Set<String> ALERTS = Set.of("HitlGatewayDown", "HitlGuardianLocked", "HitlDatabaseDown",
    "HitlIntegrityAlert", "HitlOldestPendingTooOld", "HitlExpiryLate", "HitlOutboxBacklog", "HitlNotificationsFailing");

  static TestGateway gw;
  static Scrape exported;

  @BeforeAll
  static void startAndExerciseEveryMetric() {
    gw = TestGateway.start(TestDb.freshEmbedded(), MetricsApiTest.SETTINGS);
    String alice = gw.token("alice", "approver");
    String approved = MetricsApiTest.create(gw, "/api/v1/approvals/trade", TestGateway.trade());
    assertThat(gw.call("POST", "/api/v1/approvals/" + approved + "/approve", alice, Map.of()).status()).isEqualTo(200);
    // a second decision is refused: the refusal counters get their first series
    assertThat(gw.call("POST", "/api/v1/approvals/" + approved + "/approve", alice, Map.of()).status()).isEqualTo(409);
    MetricsApiTest.create(gw, "/api/v1/approvals", MetricsApiTest.generic("CONFIG_UPDATE", 60));
    gw.clock.advance(Duration.ofSeconds(61));
    MetricsApiTest.sweep(gw);
    exported = MetricsApiTest.scrape(gw);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void everyMetricTheDashboardQueriesIsExported() throws IOException {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    List<String> exprs = new ArrayList<>();
    collectExprs(dashboard.getJsonArray("panels"), exprs);
    assertThat(exprs).hasSizeGreaterThan(20);
    assertThat(missing(exprs)).as("dashboard metrics that /metrics does not export").isEmpty();
    assertThat(dashboard.getString("uid")).isEqualTo("hitl-gateway");
  }

  @Test
  void everyMetricTheAlertsQueryIsExportedAndEachStateHasItsAlert() throws IOException {
    List<Map<String, Object>> rules = rules(load(RULES));
    assertThat(rules.stream().map(r -> (String) r.get("alert")).collect(Collectors.toSet()))
      .containsExactlyInAnyOrderElementsOf(ALERTS);
    List<String> exprs = rules.stream().map(r -> String.valueOf(r.get("expr"))).toList();
    assertThat(missing(exprs)).as("alert metrics that /metrics does not export").isEmpty();
    for (Map<String, Object> r : rules) {
      assertThat(asMap(r.get("labels")).get("severity")).as(r.get("alert") + " severity").isIn("critical", "warning");
      assertThat(asMap(r.get("annotations"))).as(r.get("alert") + " annotations").containsKeys("summary", "description");
    }
  }

  @Test
  void thePrometheusRuleCarriesExactlyThePlainRules() throws IOException {
    Map<String, Object> operator = load(OPERATOR_RULE);
    assertThat(operator.get("kind")).isEqualTo("PrometheusRule");
    assertThat(operator.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
    assertThat(asMap(operator.get("metadata")).get("namespace")).isEqualTo("hitl");
    assertThat(asMap(operator.get("spec")).get("groups")).isEqualTo(load(RULES).get("groups"));
  }

  @Test
  void promtoolAcceptsTheRulesAndTheirUnitTestsPass() throws Exception {
    Assumptions.assumeTrue(onPath("promtool"),
      "promtool is not installed (scripts/test installs Debian's prometheus package when run as root)");
    assertThat(run("promtool", "check", "rules", RULES.toString())).contains("SUCCESS: " + ALERTS.size() + " rules found");
    assertThat(run("promtool", "test", "rules", RULE_TESTS.toString())).contains("SUCCESS");
  }

  @Test
  void everyAlertHasAUnitTestThatFiresIt() throws IOException {
    Set<String> fired = new TreeSet<>();
    for (Object t : (List<?>) load(RULE_TESTS).get("tests")) {
      for (Object a : (List<?>) asMap(t).getOrDefault("alert_rule_test", List.of())) {
        Map<String, Object> check = asMap(a);
        if (!((List<?>) check.get("exp_alerts")).isEmpty()) {
          fired.add((String) check.get("alertname"));
        }
      }
    }
    assertThat(fired).containsExactlyInAnyOrderElementsOf(ALERTS);
  }

  private static Set<String> missing(List<String> exprs) {
    Set<String> names = new TreeSet<>();
    for (String e : exprs) {
      Matcher m = METRIC.matcher(e);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    assertThat(names).isNotEmpty();
    Set<String> served = exported.samples().stream().map(Scrape.Sample::name).collect(Collectors.toSet());
    return names.stream().filter(n -> !served.contains(n)).collect(Collectors.toCollection(TreeSet::new));
  }

  private static void collectExprs(JsonArray panels, List<String> out) {
    for (Object p : panels) {
      JsonObject panel = (JsonObject) p;
      if (panel.getJsonArray("panels") != null) {
        collectExprs(panel.getJsonArray("panels"), out);
      }
      if (panel.getJsonArray("targets") != null) {
        panel.getJsonArray("targets").forEach(t -> out.add(((JsonObject) t).getString("expr")));
      }
    }
  }

  private static List<Map<String, Object>> rules(Map<String, Object> file) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object g : (List<?>) file.get("groups")) {
      for (Object r : (List<?>) asMap(g).get("rules")) {
        out.add(asMap(r));
      }
    }
    return out;
  }

  private static Map<String, Object> load(Path p) throws IOException {
    return new Yaml().load(Files.readString(p));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    return (Map<String, Object>) o;
  }

  private static boolean onPath(String command) {
    return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
      .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
