package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Request targets: escapes, NUL and segments that climb are refused before routing; ordinary paths pass. */
class UriTextTest {
  @Test
  void dotSegmentsAreRefusedEncodedOrNot() {
    for (String path : new String[] {"/console/%2e%2e%2f%2e%2e", "/api/docs/../../etc/passwd", "/console/./x",
        "/api/docs/%2E%2E/x", "/console/..%5c..", "/api/v1/approvals/.."}) {
      assertThat(UriText.pathProblem(path)).as(path).contains("segment");
    }
  }

  @Test
  void ordinaryPathsWithDotsInsideSegmentsPass() {
    for (String path : new String[] {"/api/v1/lockouts/7203.T", "/console/js/app.js", "/api/openapi.yaml", "/",
        "/api/docs/", "/console/...", "/api/v1/approvals/a..b"}) {
      assertThat(UriText.pathProblem(path)).as(path).isNull();
    }
  }

  @Test
  void badEscapesAndNulStillComeFirst() {
    assertThat(UriText.pathProblem("/console/%zz")).isNotNull().doesNotContain("segment");
    assertThat(UriText.pathProblem("/api/v1/trades/a%00b")).isNotNull().doesNotContain("segment");
  }
}
