package io.hitl.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which address a per-address rate limit counts: X-Forwarded-For is believed only from a trusted proxy. */
class ClientAddressTest {
  static final Set<String> PROXIES = Set.of("10.0.0.1", "10.0.0.2");

  @Test
  void withoutTrustedProxiesThePeerIsTheClientWhateverTheHeaderSays() {
    assertThat(RateLimiter.clientAddress("192.0.2.5", "203.0.113.9", Set.of())).isEqualTo("192.0.2.5");
  }

  @Test
  void aPeerThatIsNotATrustedProxyCannotChooseItsBucketWithTheHeader() {
    assertThat(RateLimiter.clientAddress("192.0.2.5", "203.0.113.9", PROXIES)).isEqualTo("192.0.2.5");
  }

  @Test
  void behindTrustedProxiesTheNearestUntrustedHopIsTheClient() {
    assertThat(RateLimiter.clientAddress("10.0.0.1", "203.0.113.9", PROXIES)).isEqualTo("203.0.113.9");
    // entries left of the first untrusted hop were written by the client itself and prove nothing
    assertThat(RateLimiter.clientAddress("10.0.0.1", "1.1.1.1, 203.0.113.9, 10.0.0.2", PROXIES))
      .isEqualTo("203.0.113.9");
  }

  @Test
  void aTrustedProxyWithoutAHeaderOrWithOnlyProxiesInItIsItself() {
    assertThat(RateLimiter.clientAddress("10.0.0.1", null, PROXIES)).isEqualTo("10.0.0.1");
    assertThat(RateLimiter.clientAddress("10.0.0.1", " , 10.0.0.2", PROXIES)).isEqualTo("10.0.0.1");
  }
}
