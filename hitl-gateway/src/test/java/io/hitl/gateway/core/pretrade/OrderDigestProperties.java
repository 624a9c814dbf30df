package io.hitl.gateway.core.pretrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.CanonicalJson;
import io.hitl.gateway.core.Hashing;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class OrderDigestProperties {

  @Provide
  Arbitrary<Order> orders() {
    Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(8),
      Arbitraries.just(null));
    Arbitrary<BigDecimal> amount = Arbitraries.bigDecimals().between(new BigDecimal("0.00000001"),
      new BigDecimal("99999999")).ofScale(8);
    return Combinators.combine(key, key, key, key, Arbitraries.of("AAPL", "7203.T", "BTC-USD"),
      Arbitraries.of("BUY", "SELL"), amount, amount).as(Order::new);
  }

  @Property
  void theDigestDoesNotDependOnTheOrderOfTheKeys(@ForAll("orders") Order order, @ForAll long seed) {
    List<Map.Entry<String, Object>> entries = new ArrayList<>(order.fields().entrySet());
    Collections.shuffle(entries, new Random(seed));
    Map<String, Object> shuffled = new LinkedHashMap<>();
    entries.forEach(e -> shuffled.put(e.getKey(), e.getValue()));
    assertThat(OrderDigest.of(shuffled)).isEqualTo(OrderDigest.of(order));
  }

  @Property
  void theClientLibraryComputesTheGatewaysDigestFromTheTradeBodyItSent(@ForAll("orders") Order order,
      @ForAll boolean asText, @ForAll boolean attributionInContext) {
    Map<String, Object> trade = new LinkedHashMap<>();
    Map<String, Object> context = new LinkedHashMap<>();
    Map<String, Object> attribution = attributionInContext ? context : trade;
    putIfSet(attribution, "venue", order.venue());
    putIfSet(attribution, "strategy", order.strategy());
    putIfSet(attribution, "account", order.account());
    putIfSet(attribution, "desk", order.desk());
    trade.put("ticker", " " + order.symbol().toLowerCase() + " ");
    trade.put("action", order.side().toLowerCase());
    trade.put("quantity", asText ? order.quantity().toPlainString() : order.quantity());
    trade.put("price", asText ? order.price().toPlainString() + "00" : order.price());
    if (!context.isEmpty()) {
      trade.put("context", context);
    }
    Map<String, Object> gatewayContext = new LinkedHashMap<>(trade);
    gatewayContext.remove("context");
    gatewayContext.putAll(context);
    assertThat(io.hitl.client.contract.OrderDigest.ofTrade(trade))
      .isEqualTo(OrderDigest.of(Order.fromContext(gatewayContext))).isEqualTo(OrderDigest.of(order));
  }

  private static void putIfSet(Map<String, Object> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }

  @Property
  void theDigestIsTheRowHashFormOfTheOrderFields(@ForAll("orders") Order order) {
    assertThat(OrderDigest.of(order)).isEqualTo(Hashing.sha256Hex(CanonicalJson.write(order.fields())))
      .hasSize(64);
    assertThat(OrderDigest.matches(order, OrderDigest.of(order))).isTrue();
  }

  @Property
  void howANumberIsSpelledDoesNotChangeTheDigest(@ForAll("orders") Order order,
      @ForAll @IntRange(min = 0, max = 6) int extraZeros) {
    Order respelled = new Order(order.venue(), order.strategy(), order.account(), order.desk(),
      order.symbol().toLowerCase(), order.side().toLowerCase(),
      order.quantity().stripTrailingZeros().setScale(order.quantity().stripTrailingZeros().scale() + extraZeros),
      new BigDecimal(order.price().toPlainString() + (order.price().scale() > 0 ? "0".repeat(extraZeros) : "")));
    assertThat(OrderDigest.of(respelled)).isEqualTo(OrderDigest.of(order));
  }

  @Property
  void changingAnyOrderFieldChangesTheDigest(@ForAll("orders") Order order,
      @ForAll @IntRange(min = 0, max = 7) int field) {
    Order changed = switch (field) {
      case 0 -> new Order(order.venue() + "x", order.strategy(), order.account(), order.desk(), order.symbol(),
        order.side(), order.quantity(), order.price());
      case 1 -> new Order(order.venue(), order.strategy() + "x", order.account(), order.desk(), order.symbol(),
        order.side(), order.quantity(), order.price());
      case 2 -> new Order(order.venue(), order.strategy(), order.account() + "x", order.desk(), order.symbol(),
        order.side(), order.quantity(), order.price());
      case 3 -> new Order(order.venue(), order.strategy(), order.account(), order.desk() + "x", order.symbol(),
        order.side(), order.quantity(), order.price());
      case 4 -> new Order(order.venue(), order.strategy(), order.account(), order.desk(), order.symbol() + "X",
        order.side(), order.quantity(), order.price());
      case 5 -> new Order(order.venue(), order.strategy(), order.account(), order.desk(), order.symbol(),
        "BUY".equals(order.side()) ? "SELL" : "BUY", order.quantity(), order.price());
      case 6 -> new Order(order.venue(), order.strategy(), order.account(), order.desk(), order.symbol(),
        order.side(), order.quantity().add(new BigDecimal("0.00000001")), order.price());
      default -> new Order(order.venue(), order.strategy(), order.account(), order.desk(), order.symbol(),
        order.side(), order.quantity(), order.price().add(new BigDecimal("0.00000001")));
    };
    assertThat(OrderDigest.of(changed)).isNotEqualTo(OrderDigest.of(order));
  }

  @Property
  void theOrderOfARequestContextIsTheOrderItDescribes(@ForAll("orders") Order order) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("ticker", order.symbol());
    context.put("action", order.side());
    context.put("quantity", order.quantity().toPlainString());
    context.put("price", order.price());
    context.put("venue", order.venue());
    context.put("strategy", order.strategy());
    context.put("account", order.account());
    context.put("desk", order.desk());
    context.put("confidence", "0.9");
    assertThat(OrderDigest.of(Order.fromContext(context))).isEqualTo(OrderDigest.of(order));
  }
}
