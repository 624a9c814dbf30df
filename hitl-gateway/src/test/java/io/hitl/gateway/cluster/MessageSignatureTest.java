package io.hitl.gateway.cluster;

import io.hitl.client.contract.MessageSignature;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MessageSignatureTest {
  static final String SECRET = "cluster-secret-0123456789-abcdefghijkl";
  static final MessageSignature SIG = new MessageSignature(SECRET, 30_000);
  static final long NOW = 1_700_000_000_000L;
  static final String ADDRESS = "hitl.approvals.decide";

  static SortedMap<String, List<String>> headers(String actor, String roles) {
    SortedMap<String, List<String>> h = new TreeMap<>();
    h.put("hitl-actor", List.of(actor));
    h.put("hitl-roles", List.of(roles));
    return h;
  }

  @Test
  void aSignatureVerifiesForTheMessageItWasMadeFor() {
    String sig = SIG.sign(ADDRESS, NOW, headers("alice", "approver"), "digest");
    MessageSignature.Verdict v = SIG.verify(ADDRESS, Long.toString(NOW), headers("alice", "approver"), "digest", sig,
      NOW + 500);
    assertThat(v.valid()).isTrue();
    assertThat(v.reason()).isNull();
  }

  @Test
  void changingTheAddressActorRolesBodyOrTimeBreaksIt() {
    String sig = SIG.sign(ADDRESS, NOW, headers("alice", "approver"), "digest");
    String ts = Long.toString(NOW);
    assertThat(SIG.verify("hitl.approvals.cancel", ts, headers("alice", "approver"), "digest", sig, NOW).valid())
      .isFalse();
    assertThat(SIG.verify(ADDRESS, ts, headers("mallory", "approver"), "digest", sig, NOW).valid()).isFalse();
    assertThat(SIG.verify(ADDRESS, ts, headers("alice", "admin"), "digest", sig, NOW).valid()).isFalse();
    assertThat(SIG.verify(ADDRESS, ts, headers("alice", "approver"), "other", sig, NOW).valid()).isFalse();
    assertThat(SIG.verify(ADDRESS, Long.toString(NOW + 1), headers("alice", "approver"), "digest", sig, NOW).valid())
      .isFalse();
    SortedMap<String, List<String>> more = headers("alice", "approver");
    more.put("hitl-channel", List.of("slack"));
    MessageSignature.Verdict v = SIG.verify(ADDRESS, ts, more, "digest", sig, NOW);
    assertThat(v.valid()).isFalse();
    assertThat(v.reason()).isEqualTo("the signature does not match the message");
  }

  @Test
  void anotherSecretMakesAnotherSignature() {
    MessageSignature other = new MessageSignature("another-secret-0123456789-abcdefghijkl", 30_000);
    String forged = other.sign(ADDRESS, NOW, headers("alice", "approver"), "digest");
    assertThat(SIG.verify(ADDRESS, Long.toString(NOW), headers("alice", "approver"), "digest", forged, NOW).valid())
      .isFalse();
  }

  @Test
  void signaturesOutsideTheClockSkewWindowAreRefusedEitherWay() {
    String sig = SIG.sign(ADDRESS, NOW, headers("alice", "approver"), "digest");
    String ts = Long.toString(NOW);
    assertThat(SIG.verify(ADDRESS, ts, headers("alice", "approver"), "digest", sig, NOW + 30_000).valid()).isTrue();
    assertThat(SIG.verify(ADDRESS, ts, headers("alice", "approver"), "digest", sig, NOW - 30_000).valid()).isTrue();
    MessageSignature.Verdict late = SIG.verify(ADDRESS, ts, headers("alice", "approver"), "digest", sig,
      NOW + 30_001);
    assertThat(late.valid()).isFalse();
    assertThat(late.reason()).contains("30001 ms away");
    assertThat(SIG.verify(ADDRESS, ts, headers("alice", "approver"), "digest", sig, NOW - 30_001).valid()).isFalse();
  }

  @Test
  void missingOrMalformedPartsAreRefusedWithTheirReason() {
    SortedMap<String, List<String>> h = headers("alice", "approver");
    assertThat(SIG.verify(ADDRESS, "1", h, "d", null, NOW).reason()).isEqualTo("the message is not signed");
    assertThat(SIG.verify(ADDRESS, "soon", h, "d", "abc", NOW).reason()).contains("no valid timestamp");
    assertThat(SIG.verify(ADDRESS, null, h, "d", "abc", NOW).reason()).contains("no valid timestamp");
    assertThat(SIG.verify(ADDRESS, Long.toString(NOW), h, "d", "not base64!", NOW).reason()).contains("base64url");
  }

  @Test
  void aShortSecretIsRefused() {
    assertThatThrownBy(() -> new MessageSignature("short", 1000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MessageSignature(null, 1000)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theBodyDigestIgnoresKeyOrderAndUsesExactNumbers() {
    Map<String, Object> ab = new LinkedHashMap<>();
    ab.put("a", 1);
    ab.put("b", "x");
    Map<String, Object> ba = new LinkedHashMap<>();
    ba.put("b", "x");
    ba.put("a", 1L);
    assertThat(MessageSignature.bodyDigest(ab)).isEqualTo(MessageSignature.bodyDigest(ba));
    assertThat(MessageSignature.bodyDigest(Map.of("p", 0.5))).isEqualTo(MessageSignature.bodyDigest(
      Map.of("p", new BigDecimal("0.50"))));
    assertThat(MessageSignature.bodyDigest(Map.of("p", 0.1))).isNotEqualTo(MessageSignature.bodyDigest(
      Map.of("p", new BigDecimal("0.1"))));
    assertThat(MessageSignature.bodyDigest(null)).hasSize(64);
  }
}
