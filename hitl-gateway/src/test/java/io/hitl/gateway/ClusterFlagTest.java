package io.hitl.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterFlagTest {

  @Test
  void theClusterFlagTurnsClusteringOnAndAMissingSecretStopsStartWithSec040() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"--cluster"}, Map.of("HITL_DB_URL", "postgresql://hitl@127.0.0.1:1/hitl"),
      new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8), false);
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("SEC-040").contains("HITL_CLUSTER_SECRET");
  }

  @Test
  void theEnvironmentTurnsItOnTheSameWay() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[0], Map.of("HITL_CLUSTER", "true", "HITL_CLUSTER_SECRET",
        "cluster-secret-0123456789-abcdefghijkl"), new PrintStream(new ByteArrayOutputStream()),
      new PrintStream(err, true, StandardCharsets.UTF_8), false);
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("SEC-040").contains("HITL_DB_URL");
  }
}
