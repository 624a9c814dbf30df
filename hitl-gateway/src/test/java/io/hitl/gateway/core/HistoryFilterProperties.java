package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

class HistoryFilterProperties {

  @Property
  void aCursorDecodesToTheRowItCameFrom(@ForAll @LongRange(min = 0, max = 253_402_300_799L) long seconds,
      @ForAll @LongRange(min = 0, max = 999_999) long micros, @ForAll("uuids") UUID id) {
    HistoryFilter.Cursor c = new HistoryFilter.Cursor(Instant.ofEpochSecond(seconds, micros * 1000), id);
    assertThat(HistoryFilter.Cursor.decode(c.encode())).isEqualTo(c);
  }

  @Property
  void anyParameterValueIsEitherAFilterOrARefusalNamingIt(@ForAll("names") String name, @ForAll("hostile") String value) {
    Map<String, String> q = new HashMap<>();
    q.put(name, value);
    try {
      HistoryFilter f = HistoryFilter.parse(q, true);
      assertThat(f.limit()).isBetween(1, HistoryFilter.MAX_LIMIT);
      if (f.ticker() != null) {
        assertThat(RequestValidator.TICKER.matcher(f.ticker()).matches()).isTrue();
      }
      if (f.from() != null) {
        assertThat(f.from()).isBetween(Instant.EPOCH, Instant.parse("9999-12-31T23:59:59Z"));
      }
    } catch (GatewayException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.SEC_010);
      @SuppressWarnings("unchecked")
      Map<String, String> errors = (Map<String, String>) e.extensions().get("errors");
      assertThat(errors).containsKey(name);
    }
  }

  @Property
  void theEchoedFiltersParseBackToTheSameSearch(@ForAll("filters") Map<String, String> q) {
    HistoryFilter f = HistoryFilter.parse(q, true);
    HistoryFilter again = HistoryFilter.parse(f.echo(), true);
    assertThat(again.echo()).isEqualTo(f.echo());
    assertThat(again.firstPage(f.limit())).isEqualTo(f.firstPage(f.limit()));
  }

  @Example
  void aDateAsToMeansTheWholeDay() {
    HistoryFilter f = HistoryFilter.parse(Map.of("from", "2026-12-01", "to", "2026-12-01"), false);
    assertThat(f.from()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(f.to()).isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
  }

  @Example
  void pagingIsNoParameterOfAnExport() {
    assertThatThrownBy(() -> HistoryFilter.parse(Map.of("cursor", "x"), false)).isInstanceOf(GatewayException.class);
  }

  @Provide
  Arbitrary<UUID> uuids() {
    return Arbitraries.randomValue(r -> new UUID(r.nextLong(), r.nextLong()));
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.of("status", "type", "approver", "ticker", "from", "to", "limit", "cursor", "sort", "x");
  }

  @Provide
  Arbitrary<String> hostile() {
    return Arbitraries.oneOf(
      Arbitraries.strings().all().ofMaxLength(60),
      Arbitraries.of("approved", "pending,expired", "0", "500", "501", "-1", "2026-12-01", "2026-02-30",
        "+999999-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "AAPL", "aapl", "'; DROP TABLE approvals;--", "%00",
        "TRADE_EXECUTION", "alice", "a b", "MjAyNi0xMi0wMVQwMDowMDowMFp8eA"));
  }

  @Provide
  Arbitrary<Map<String, String>> filters() {
    Arbitrary<String> status = Arbitraries.of("", "approved", "rejected,expired", "pending,cancelled,approved");
    Arbitrary<String> type = Arbitraries.of("", "TRADE_EXECUTION", "config_update");
    Arbitrary<String> approver = Arbitraries.of("", "alice", "risk.desk@firm");
    Arbitrary<String> ticker = Arbitraries.of("", "aapl", "7203.T", "BTC/USD");
    Arbitrary<String> from = Arbitraries.of("", "2026-01-01", "2026-06-01T09:30:00+02:00");
    Arbitrary<String> to = Arbitraries.of("", "2027-01-01", "2027-03-01T00:00:00Z");
    return Combinators.combine(List.of(status, type, approver, ticker, from, to)).as(values -> {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < values.size(); i++) {
        if (!values.get(i).isEmpty()) {
          m.put(HistoryFilter.FILTERS.get(i), values.get(i));
        }
      }
      return m;
    });
  }
}
