package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointCheckTest {
  final KeyPair key = pair();
  final String id = Checkpoint.keyId(key.getPublic());

  static KeyPair pair() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  CheckpointCheck.Signed signed(long seq, String hash) {
    return new CheckpointCheck.Signed("f" + seq, Checkpoint.sign(seq, hash, Instant.EPOCH, id, key.getPrivate()));
  }

  @Test
  void aSignatureCoversEveryFieldAndOnlyTheSigningKeyVerifiesIt() {
    Checkpoint c = Checkpoint.sign(7, "ab", Instant.parse("2026-12-05T10:00:00Z"), id, key.getPrivate());
    assertThat(c.signedBy(key.getPublic())).isTrue();
    assertThat(c.signedBy(pair().getPublic())).isFalse();
    assertThat(new Checkpoint(8, c.hash(), c.at(), c.keyId(), c.signature()).signedBy(key.getPublic())).isFalse();
    assertThat(new Checkpoint(7, "ac", c.at(), c.keyId(), c.signature()).signedBy(key.getPublic())).isFalse();
    assertThat(new Checkpoint(7, "ab", c.at().plusSeconds(1), c.keyId(), c.signature()).signedBy(key.getPublic()))
      .isFalse();
    assertThat(new Checkpoint(7, "ab", c.at(), c.keyId(), "not base64!").signedBy(key.getPublic())).isFalse();
  }

  @Test
  void theDerivedPublicKeyIsTheKeyPairsOwn() {
    String pem = Checkpoint.pem("PRIVATE KEY", key.getPrivate().getEncoded());
    assertThat(Checkpoint.publicKeyOf(Checkpoint.privateKey(pem)).getEncoded()).isEqualTo(key.getPublic().getEncoded());
  }

  @Test
  void aMatchingChainPassesAndADifferentHashAtTheSignedSeqIsAProblem() {
    CheckpointCheck ok = new CheckpointCheck(List.of(signed(2, "h2")), List.of());
    ok.at(1, "h1");
    ok.at(2, "h2");
    ok.end(3);
    assertThat(ok.problems()).isEmpty();
    assertThat(ok.matched()).isEqualTo(1);

    CheckpointCheck bad = new CheckpointCheck(List.of(signed(2, "h2")), List.of());
    bad.at(2, "x2");
    bad.end(2);
    assertThat(bad.problems()).singleElement().asString().contains("seq 2").contains("f2");
  }

  @Test
  void checkpointsBeyondTheEndOrNeverMetAreProblemsAndSkippedOnesAreCounted() {
    CheckpointCheck c = new CheckpointCheck(List.of(signed(2, "h2"), signed(5, "h5"), signed(9, "h9")),
      List.of("unreadable"));
    c.skipped(0, 3);
    c.end(6);
    assertThat(c.notCompared()).isEqualTo(1);
    assertThat(c.problems()).hasSize(3);
    assertThat(c.problems().get(1)).contains("no entry at seq 5");
    assertThat(c.problems().get(2)).contains("seq 9").contains("ends at seq 6");
  }
}
