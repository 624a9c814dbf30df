package io.hitl.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.audit.ExportLines;
import io.hitl.gateway.core.ChainCheck;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code audit export} and {@code audit verify} against a database URL, in process and as a real process. */
class AuditCommandTest {
  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.embedded();
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() {
    String engine = gw.token("engine-1", "submitter");
    String alice = gw.token("alice", "approver");
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");
    gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null);
    gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade());
  }

  int run(String... args) {
    out.reset();
    err.reset();
    return Main.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
      new PrintStream(err, true, StandardCharsets.UTF_8), false);
  }

  @Test
  void exportWritesAVerifiableFileAndVerifyPasses() throws Exception {
    Path file = TestGateway.tempDir().resolve("journal.ndjson");
    assertThat(run("audit", "export", "--db", gw.dbUrl(), "--out", file.toString())).as(err.toString()).isZero();
    List<JournalEntry> entries = Files.readAllLines(file).stream().map(ExportLines::parse).toList();
    ChainCheck chain = ChainCheck.fromGenesis();
    entries.forEach(chain::accept);
    assertThat(chain.ok()).isTrue();
    assertThat(entries).extracting(JournalEntry::action).contains("created", "approved");

    assertThat(run("audit", "export", "--db", gw.dbUrl(), "--format", "csv", "--action", "created")).isZero();
    String[] csv = out.toString(StandardCharsets.UTF_8).split("\r\n");
    assertThat(csv[0]).startsWith("seq,created_at,");
    assertThat(csv).hasSize(3);

    assertThat(run("audit", "verify", "--db", gw.dbUrl())).as(out.toString()).isZero();
    assertThat(out.toString()).contains("valid");
  }

  @Test
  void aBrokenJournalExitsOneNamingTheFirstBadSeq() throws Exception {
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE journal DISABLE TRIGGER journal_no_update_delete");
      s.execute("UPDATE journal SET actor = 'mallory' WHERE action = 'approved'");
    }
    assertThat(run("audit", "verify", "--db", gw.dbUrl())).isEqualTo(1);
    assertThat(out.toString()).contains("INVALID: journal broken at seq").contains("edited");
  }

  @Test
  void usageErrorsExitTwoWithAMessage() {
    assertThat(run("audit")).isEqualTo(2);
    assertThat(err.toString()).contains("usage");
    assertThat(run("audit", "export")).isEqualTo(2);
    assertThat(err.toString()).contains("--db");
    assertThat(run("audit", "export", "--db", gw.dbUrl(), "--format", "xml")).isEqualTo(2);
    assertThat(err.toString()).contains("--format");
    assertThat(run("audit", "export", "--db", gw.dbUrl(), "--from", "last week")).isEqualTo(2);
    assertThat(err.toString()).contains("--from");
    assertThat(run("audit", "verify", "--db", gw.dbUrl(), "--bogus", "1")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown option --bogus");
    assertThat(run("audit", "verify", "--db", "mysql://nope")).isEqualTo(2);
  }

  @Test
  void verifyRunsAsItsOwnProcess() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.hitl.gateway.Main",
      "audit", "verify", "--db", gw.dbUrl()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(Arrays.stream(output.split("\n")).anyMatch(l -> l.equals("valid"))).as(output).isTrue();
  }
}
