package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.store.Json;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Row hashes and the journal chain: stable across storage, sensitive to every field. */
class HashingProperties {

  @Provide
  Arbitrary<Map<String, Object>> contexts() {
    Arbitrary<Object> leaf = Arbitraries.oneOf(
      Arbitraries.strings().ofMaxLength(20).filter(s -> s.indexOf('\0') < 0).map(s -> (Object) s),
      Arbitraries.integers().map(i -> (Object) i),
      Arbitraries.doubles().between(-1e12, 1e12).map(d -> (Object) d),
      Arbitraries.of(true, false).map(b -> (Object) b),
      Arbitraries.just(null));
    return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8), leaf).ofMaxSize(8);
  }

  @Property
  void canonicalJsonIgnoresKeyOrder(@ForAll("contexts") Map<String, Object> m) {
    List<String> keys = new ArrayList<>(m.keySet());
    Collections.reverse(keys);
    Map<String, Object> reversed = new LinkedHashMap<>();
    keys.forEach(k -> reversed.put(k, m.get(k)));
    assertThat(CanonicalJson.write(reversed)).isEqualTo(CanonicalJson.write(m));
  }

  @Property
  void canonicalJsonSurvivesAJsonRoundTrip(@ForAll("contexts") Map<String, Object> m) {
    Map<String, Object> back = Json.plainMap(new JsonObject(new JsonObject(m).encode()));
    assertThat(CanonicalJson.write(back)).isEqualTo(CanonicalJson.write(m));
  }

  @Property
  void rowHashChangesWhenAnyStoredFieldChanges(@ForAll("contexts") Map<String, Object> ctx,
      @ForAll @IntRange(min = 0, max = 23) int field) {
    Approval a = approval(ctx);
    Map<String, Object> fields = new LinkedHashMap<>(a.canonicalFields());
    String name = new ArrayList<>(fields.keySet()).get(field);
    Object old = fields.get(name);
    fields.put(name, old instanceof Integer ? (Integer) old + 1 : old == null ? "x" : old + "x");
    assertThat(Hashing.sha256Hex(CanonicalJson.write(fields))).isNotEqualTo(a.rowHash());
    assertThat(a.integrityOk()).isTrue();
  }

  @Property
  void chainLinksDependOnPredecessorSeqAndContent(@ForAll @IntRange(min = 1, max = 1_000_000) int seq,
      @ForAll("contexts") Map<String, Object> payload) {
    JournalEntry e = JournalEntry.of(UUID.randomUUID(), "t", "alice", "approved", "PENDING", "APPROVED", payload,
      "c", null, Instant.parse("2026-01-01T00:00:00Z"));
    String content = Hashing.contentHash(e);
    String link = Hashing.chainHash(Hashing.GENESIS, seq, content);
    assertThat(Hashing.chainHash(Hashing.GENESIS, seq + 1L, content)).isNotEqualTo(link);
    assertThat(Hashing.chainHash(link, seq, content)).isNotEqualTo(link);
    JournalEntry edited = JournalEntry.of(e.approvalId(), "t", "mallory", "approved", "PENDING", "APPROVED", payload,
      "c", null, e.createdAt());
    assertThat(Hashing.contentHash(edited)).isNotEqualTo(content);
  }

  static Approval approval(Map<String, Object> ctx) {
    Instant t = Instant.parse("2026-01-01T00:00:00.123456Z");
    return new Approval(UUID.randomUUID(), "CONFIG_UPDATE", "title", "d", ctx, "T-1", "engine", "corr", "key",
      Map.of("p", 1), "ph", ApprovalStatus.PENDING, 1, t.plusSeconds(60), t.plusSeconds(30), 0, UUID.randomUUID(),
      null, null, null, null, null, Map.of(), null, t).withRowHash();
  }
}
