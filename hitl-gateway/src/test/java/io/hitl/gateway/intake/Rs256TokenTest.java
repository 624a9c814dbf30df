package io.hitl.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tokens issued elsewhere (an identity provider's RS256 key) are verified with HITL_JWT_PUBLIC_KEY alone. */
class Rs256TokenTest {

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }

  @Test
  void rs256TokensFromTheIssuerAreAcceptedAndOthersRefused() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair issuer = g.generateKeyPair();
    KeyPair stranger = g.generateKeyPair();
    Vertx vertx = Vertx.vertx();
    try (TestGateway gw = TestGateway.start(TestDb.freshEmbedded(), Map.of("HITL_JWT_SECRET", "",
        "HITL_JWT_PUBLIC_KEY", pem("PUBLIC KEY", issuer.getPublic().getEncoded())))) {
      String good = sign(vertx, issuer, "engine-1", "submitter");
      String bad = sign(vertx, stranger, "engine-1", "submitter");
      assertThat(gw.call("POST", "/api/v1/approvals/trade", good, TestGateway.trade()).status()).isEqualTo(201);
      assertThat(gw.call("POST", "/api/v1/approvals/trade", bad, TestGateway.trade()).json().getString("code"))
        .isEqualTo("SEC-001");
    } finally {
      vertx.close();
    }
  }

  static String sign(Vertx vertx, KeyPair keys, String subject, String role) {
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
      .setAlgorithm("RS256").setBuffer(pem("PRIVATE KEY", keys.getPrivate().getEncoded()))));
    return signer.generateToken(new JsonObject().put("roles", new JsonArray().add(role)),
      new JWTOptions().setAlgorithm("RS256").setSubject(subject).setExpiresInSeconds(300));
  }
}
