package io.hitl.gateway;

import io.hitl.gateway.support.Repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The forge workflow, .ci/run and the README name one test command: a change to one of them that leaves
 * the others behind fails here rather than on someone's fork.
 */
class CiWorkflowTest {
  private static final Path WORKFLOW = Repo.path(".github/workflows/ci.yml");

  @Test
  void theWorkflowRunsCiRunWhichRunsTheReadmeTestCommand() throws Exception {
    String workflow = Files.readString(WORKFLOW);
    List<String> runs = Pattern.compile("(?m)^\\s*run:\\s*(.+)$").matcher(workflow).results()
      .map(m -> m.group(1).trim()).toList();
    assertThat(runs).as("run steps of %s", WORKFLOW).containsExactly("./.ci/run");

    String ci = Files.readString(Repo.path(".ci/run"));
    assertThat(ci.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList())
      .last().isEqualTo("exec ./scripts/test");

    Matcher test = Pattern.compile("(?m)^\\./scripts/test$").matcher(Files.readString(Repo.path("README.md")));
    assertThat(test.find()).as("README names ./scripts/test as the test command").isTrue();
    assertThat(Files.isExecutable(Repo.path("scripts/test"))).isTrue();
    assertThat(Files.isExecutable(Repo.path(".ci/run"))).isTrue();
  }

  @Test
  void theWorkflowProvidesWhatTheTestCommandExpects() throws Exception {
    String workflow = Files.readString(WORKFLOW);
    // the same JDK as the build's release level, the external PostgreSQL case and the browser test
    assertThat(workflow).contains("java-version: '17'", "image: postgres:15", "5432:5432",
      "HITL_TEST_DB_URL: postgresql://", "HITL_CHROMIUM:", "timeout-minutes: 90");
  }
}
