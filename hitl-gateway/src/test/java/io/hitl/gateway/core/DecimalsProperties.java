package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.BigRange;
import net.jqwik.api.constraints.Scale;

class DecimalsProperties {

  @Property
  void textIsTheHalfEvenValueAtEightPlaces(@ForAll @BigRange(min = "0", max = "9999999999") @Scale(12) BigDecimal d) {
    BigDecimal expected = d.setScale(8, RoundingMode.HALF_EVEN);
    assertThat(new BigDecimal(Decimals.text(d))).isEqualByComparingTo(expected);
    assertThat(Decimals.parse(Decimals.text(d))).isEqualByComparingTo(expected);
  }

  @Property
  void numbersAndStringsParseAlike(@ForAll @BigRange(min = "-1000000", max = "1000000") @Scale(6) BigDecimal d) {
    assertThat(Decimals.parse(d.toPlainString())).isEqualByComparingTo(d);
    assertThat(Decimals.parse(d.doubleValue())).isEqualByComparingTo(new BigDecimal(Double.toString(d.doubleValue())));
  }

  @Property
  void riskLevelNeverFallsAsRiskRises(@ForAll @BigRange(min = "0", max = "100") @Scale(2) BigDecimal a,
      @ForAll @BigRange(min = "0", max = "100") @Scale(2) BigDecimal b,
      @ForAll @BigRange(min = "0", max = "1") @Scale(2) BigDecimal confidence) {
    BigDecimal lo = a.min(b);
    BigDecimal hi = a.max(b);
    assertThat(RiskLevel.derive(hi, confidence)).isGreaterThanOrEqualTo(RiskLevel.derive(lo, confidence));
  }

  @Property
  void lowConfidenceNeverLowersRisk(@ForAll @BigRange(min = "0", max = "100") @Scale(2) BigDecimal risk) {
    assertThat(RiskLevel.derive(risk, new BigDecimal("0.1")))
      .isGreaterThanOrEqualTo(RiskLevel.derive(risk, new BigDecimal("0.9")));
  }
}
