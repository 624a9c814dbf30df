package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Which PostgreSQL error codes mean "cannot serve now" (503, nothing committed). */
class DbFaultsProperties {

  @Provide
  Arbitrary<String> tails() {
    return Arbitraries.strings().withChars("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ").ofLength(3);
  }

  @Property
  void everyCodeOfTheConnectionResourceOperatorAndSystemClassesIsUnavailable(@ForAll("tails") String tail,
      @ForAll("classes") String cls) {
    assertThat(DbFaults.classify(cls + tail)).isEqualTo(DbFaults.Kind.UNAVAILABLE);
  }

  @Provide
  Arbitrary<String> classes() {
    return Arbitraries.of("08", "53", "57", "58");
  }

  @Property
  void dataExceptionsAreTheCallersValues(@ForAll("tails") String tail) {
    assertThat(DbFaults.classify("22" + tail)).isEqualTo(DbFaults.Kind.INVALID_VALUE);
  }

  @Property
  void integrityAndSyntaxErrorsAreTheGatewaysOwn(@ForAll("tails") String tail, @ForAll("own") String cls) {
    assertThat(DbFaults.classify(cls + tail)).isEqualTo(DbFaults.Kind.OTHER);
  }

  @Provide
  Arbitrary<String> own() {
    return Arbitraries.of("23", "42", "XX", "P0", "0A");
  }

  @Example
  void theConditionsSeenInOutagesAreUnavailable() {
    // not accepting connections, too many connections, admin shutdown, crash, cannot connect now,
    // statement time-out, lock time-out, idle-in-transaction time-out, connection failure, deadlock
    for (String s : new String[] {"55000", "53300", "57P01", "57P02", "57P03", "57014", "55P03", "25P03", "08006",
        "08001", "40P01", "40001"}) {
      assertThat(DbFaults.classify(s)).as(s).isEqualTo(DbFaults.Kind.UNAVAILABLE);
    }
  }

  @Example
  void noCodeIsOther() {
    assertThat(DbFaults.classify(null)).isEqualTo(DbFaults.Kind.OTHER);
    assertThat(DbFaults.classify("5")).isEqualTo(DbFaults.Kind.OTHER);
  }
}
