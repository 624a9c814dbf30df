package io.hitl.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SseFramesTest {
  @Test
  void anEventHasIdNameDataAndABlankLine() {
    assertThat(SseFrames.event(42, "decided", "{\"a\":1}")).isEqualTo("id: 42\nevent: decided\ndata: {\"a\":1}\n\n");
  }

  @Test
  void anEventOutsideTheJournalHasNoIdSoTheClientKeepsItsLastEventId() {
    assertThat(SseFrames.event(0, "state", "{}")).isEqualTo("event: state\ndata: {}\n\n");
  }

  @Test
  void lineBreaksInDataBecomeSeveralDataFieldsAndCannotEndTheEventEarly() {
    assertThat(SseFrames.event(1, "x", "a\nb\r\nc")).isEqualTo("id: 1\nevent: x\ndata: a\ndata: b\ndata: c\n\n");
    assertThat(SseFrames.event(1, "x\nid: 9", "{}")).isEqualTo("id: 1\nevent: x id: 9\ndata: {}\n\n");
  }

  @Test
  void commentsAndRetry() {
    assertThat(SseFrames.comment("heartbeat")).isEqualTo(": heartbeat\n\n");
    assertThat(SseFrames.comment("a\nb")).isEqualTo(": a b\n\n");
    assertThat(SseFrames.retry(2000)).isEqualTo("retry: 2000\n\n");
  }
}
