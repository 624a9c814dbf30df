package io.hitl.gateway.stream;

/**
 * Joins one client's replay from the journal with the live events that arrive while it runs. The
 * client subscribes to live events first and they are buffered; the journal is replayed after the
 * client's Last-Event-ID; then buffered and later live events are delivered only above the last seq
 * replayed. No gap (live delivery started before the replay read the journal) and no duplicate.
 */
public final class ResumeGate {
  /** What to do with a live event. */
  public enum Action { DELIVER, BUFFER, DROP }

  private long last;
  private boolean replaying;

  /**
   * @param lastEventId the last seq the client has seen (0 for none)
   * @param replay whether the journal will be replayed first
   */
  public ResumeGate(long lastEventId, boolean replay) {
    this.last = lastEventId;
    this.replaying = replay;
  }

  public boolean replaying() {
    return replaying;
  }

  /** The highest seq the client has been given (or skipped by its filter). */
  public long last() {
    return last;
  }

  /** A live event with this seq (0: an event outside the journal, always delivered in arrival order). */
  public Action live(long seq) {
    if (replaying) {
      return Action.BUFFER;
    }
    if (seq <= 0) {
      return Action.DELIVER;
    }
    if (seq <= last) {
      return Action.DROP;
    }
    last = seq;
    return Action.DELIVER;
  }

  /** A journal entry read by the replay; true when it is new to the client. */
  public boolean replayed(long seq) {
    if (seq <= last) {
      return false;
    }
    last = seq;
    return true;
  }

  /** The replay has read the journal to its end; buffered events go through {@link #live} again. */
  public void replayDone() {
    replaying = false;
  }
}
