package io.hitl.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.support.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StreamTokensTest {
  static final String SECRET = "a-secret-of-at-least-32-characters-long";
  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aMintedTokenNamesTheActorUntilItExpiresOnTheGatewayClock() throws Exception {
    MutableClock clock = new MutableClock();
    StreamTokens tokens = new StreamTokens(vertx, SECRET, clock, 60);
    StreamTokens.Issued issued = tokens.mint(new Actor("alice", EnumSet.of(Role.APPROVER, Role.VIEWER)));
    Actor back = await(tokens.verify(issued.token()));
    assertThat(back.subject()).isEqualTo("alice");
    assertThat(back.roles()).containsExactlyInAnyOrder(Role.APPROVER, Role.VIEWER);
    assertThat(Duration.between(clock.instant(), issued.expiresAt()).getSeconds()).isBetween(58L, 60L);

    clock.advance(Duration.ofSeconds(61));
    assertThatThrownBy(() -> await(tokens.verify(issued.token())))
      .hasCauseInstanceOf(GatewayException.class).hasMessageContaining("invalid or expired");
  }

  @Test
  void everyNodeWithTheSameSecretAcceptsTheTokenAndOthersDoNot() throws Exception {
    MutableClock clock = new MutableClock();
    String token = new StreamTokens(vertx, SECRET, clock, 60).mint(new Actor("bob", EnumSet.of(Role.VIEWER))).token();
    assertThat(await(new StreamTokens(vertx, SECRET, clock, 60).verify(token)).subject()).isEqualTo("bob");
    assertThatThrownBy(() -> await(new StreamTokens(vertx, SECRET + "x", clock, 60).verify(token)))
      .hasCauseInstanceOf(GatewayException.class);
    assertThatThrownBy(() -> await(new StreamTokens(vertx, (String) null, clock, 60).verify(token)))
      .hasCauseInstanceOf(GatewayException.class);
  }

  @Test
  void theStreamKeyIsDerivedAndNeverTheApiSecret() {
    assertThat(StreamTokens.deriveKey(SECRET)).isEqualTo(StreamTokens.deriveKey(SECRET)).hasSize(64)
      .isNotEqualTo(SECRET).isNotEqualTo(StreamTokens.deriveKey(SECRET + "x"));
  }
}
