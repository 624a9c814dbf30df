package io.hitl.gateway;

import io.hitl.gateway.support.Repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's first session, run as written by bash and curl against a gateway with the default quote
 * freshness, with a person's pause (two minutes on the gateway's clock) between reading the pending list and
 * approving: the approval must still succeed, and the journal verify.
 */
class ReadmeFirstSessionTest {
  static final Pattern BLOCK = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL);

  @Test
  void theFirstSessionWorksAtHumanSpeed() throws Exception {
    assumeTrue(works("curl", "--version"), "curl is not installed");
    List<String> blocks = firstSessionBlocks();
    assertThat(blocks).as("bash blocks of the README's first session").hasSize(2);
    try (TestGateway gw = TestGateway.start(TestDb.freshEmbedded(), Map.of("HITL_QUOTE_MAX_AGE_SECONDS", "5"))) {
      String engine = gw.token("engine-1", "submitter");
      String alice = gw.token("alice", "approver", "viewer");
      String listed = bash(gw, blocks.get(0), engine, alice, null);
      assertThat(listed).contains("\"status\":\"pending\"", "Approval request created");
      Matcher id = Pattern.compile("\"request_id\":\"([0-9a-f-]{36})\"").matcher(listed);
      assertThat(id.find()).as(listed).isTrue();

      gw.clock.advance(Duration.ofMinutes(2));
      String approved = bash(gw, blocks.get(1), engine, alice, id.group(1));
      assertThat(approved).contains("\"status\":\"approved\"", "\"decided_by\":\"alice\"", "\"valid\":true")
        .doesNotContain("SEC-0");
    }
  }

  static List<String> firstSessionBlocks() throws IOException {
    String readme = Files.readString(Repo.path("README.md"), StandardCharsets.UTF_8);
    int start = readme.indexOf("## A first session");
    int end = readme.indexOf("\n## ", start + 1);
    Matcher m = BLOCK.matcher(readme.substring(start, end));
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** Runs a README block as written, but for the lines that mint tokens with the jar and the id a person pastes. */
  static String bash(TestGateway gw, String block, String engine, String alice, String id) throws Exception {
    StringBuilder script = new StringBuilder("set -euo pipefail\n");
    for (String line : block.split("\n")) {
      if (line.startsWith("JAR=") || line.startsWith("ENGINE=$(") || line.startsWith("ALICE=$(")
          || line.startsWith("ID=")) {
        continue;
      }
      script.append(line.replace("localhost:8080", "127.0.0.1:" + gw.port)).append('\n');
    }
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", script.toString()).redirectErrorStream(true);
    pb.environment().put("ENGINE", engine);
    pb.environment().put("ALICE", alice);
    if (id != null) {
      pb.environment().put("ID", id);
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  static boolean works(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
