package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Who acted, as a journal entry records it: only the actor's own entries, never edits, covered by the hash. */
class ActorIdentityProperties {
  static final Instant AT = Instant.parse("2026-12-06T00:00:00Z");

  @Property
  void anEntryNamesWhoActedOnlyWhenTheActorWroteItAndSaysMoreThanTheSubject(@ForAll("subjects") String subject,
      @ForAll("subjects") String writer, @ForAll("maybe") String issuer, @ForAll("maybe") String session,
      @ForAll("actions") String action) {
    Actor actor = new Actor(subject, EnumSet.of(Role.APPROVER), Set.of(), issuer, session);
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("channel", "console");
    JournalEntry e = JournalEntry.of(UUID.randomUUID(), "t", writer, action, "PENDING", "APPROVED", payload, "corr",
      null, AT);
    JournalEntry stamped = actor.stamp(e);
    boolean names = subject.equals(writer) && (issuer != null || session != null) && !"edits_applied".equals(action);
    if (!names) {
      assertThat(stamped).isSameAs(e);
      return;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> identity = (Map<String, Object>) stamped.payload().get(Actor.IDENTITY);
    assertThat(identity.get("subject")).isEqualTo(subject);
    assertThat(identity.get("issuer")).isEqualTo(issuer);
    assertThat(identity.get("session")).isEqualTo(session);
    assertThat(identity.keySet()).containsAnyOf("issuer", "session").allMatch(k -> identity.get(k) != null);
    assertThat(stamped.payload()).containsEntry("channel", "console");
    assertThat(Hashing.contentHash(stamped)).as("the hash covers who acted").isNotEqualTo(Hashing.contentHash(e));
    assertThat(actor.stamp(stamped)).as("stamped once").isSameAs(stamped);
    assertThat(e.payload()).doesNotContainKey(Actor.IDENTITY);
  }

  @Property
  void twoSessionsOfOneSubjectAreTwoDifferentRecords(@ForAll("subjects") String subject,
      @ForAll("sessions") String one, @ForAll("sessions") String other) {
    JournalEntry e = JournalEntry.of(null, "t", subject, "approved", null, null, Map.of(), "c", null, AT);
    String a = Hashing.contentHash(new Actor(subject, Set.of(), Set.of(), "https://sso", one).stamp(e));
    String b = Hashing.contentHash(new Actor(subject, Set.of(), Set.of(), "https://sso", other).stamp(e));
    assertThat(a.equals(b)).isEqualTo(one.equals(other));
  }

  @Provide
  Arbitrary<String> subjects() {
    return Arbitraries.of("alice", "bob", "system", "engine-1");
  }

  @Provide
  Arbitrary<String> maybe() {
    return Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12).injectNull(0.4);
  }

  @Provide
  Arbitrary<String> sessions() {
    return Arbitraries.of("s-1", "s-2", "s-3");
  }

  @Provide
  Arbitrary<String> actions() {
    return Arbitraries.of("approved", "vote", "created", "edits_applied", "decision_refused", "guardian_locked");
  }
}
