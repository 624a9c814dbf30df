package io.hitl.gateway.core;

/**
 * Walks a run of journal entries in seq order and remembers the first broken link: a seq that does
 * not follow the one before, a prev_hash that is not the previous entry's hash, or an entry whose
 * content no longer matches its hash. The live journal, archived segments and exported NDJSON files
 * are all checked with it, so every copy of the chain is proven the same way.
 */
public final class ChainCheck {
  private long lastSeq;
  private String lastHash;
  private long checked;
  private Long brokenSeq;
  private String problem;

  /** Starts after {@code seq} whose hash is {@code hash} (0 and the genesis hash for a whole journal). */
  public ChainCheck(long seq, String hash) {
    this.lastSeq = seq;
    this.lastHash = hash;
  }

  public static ChainCheck fromGenesis() {
    return new ChainCheck(0, Hashing.GENESIS);
  }

  /** Checks the next entry; returns the problem with it, or null when it links. */
  public String accept(JournalEntry e) {
    return accept(e, "");
  }

  /** As {@link #accept(JournalEntry)}, naming where the entry was read ({@code "archive x: "}) in the problem. */
  public String accept(JournalEntry e, String where) {
    return accept(e, where, ownHashMatches(e));
  }

  /**
   * Whether an entry's hash is the one its prev_hash, seq and content give (the costly part of a check, which
   * needs nothing from the entries before it, so it can be computed for many entries at once, on other threads).
   */
  public static boolean ownHashMatches(JournalEntry e) {
    return Hashing.same(e.hash(), Hashing.chainHash(e.prevHash(), e.seq(), Hashing.contentHash(e)));
  }

  /** As {@link #accept(JournalEntry, String)}, with {@link #ownHashMatches} already computed for {@code e}. */
  public String accept(JournalEntry e, String where, boolean ownHashMatches) {
    checked++;
    String p = null;
    if (e.seq() != lastSeq + 1) {
      p = "seq " + e.seq() + " follows " + lastSeq + " (entries were removed or reordered)";
    } else if (!Hashing.same(e.prevHash(), lastHash)) {
      p = "prev_hash does not match the entry before it (an entry was removed or reordered)";
    } else if (!ownHashMatches) {
      p = "content does not match its hash (the entry was edited)";
    }
    if (p != null) {
      fail(e.seq(), where + p);
    }
    lastSeq = e.seq();
    lastHash = e.hash();
    return p;
  }

  /** Continues after an anchor without reading the entries it covers (their file is not at hand). */
  public void skipTo(long seq, String hash) {
    lastSeq = seq;
    lastHash = hash;
  }

  /** Records a problem found outside an entry (a missing file, a head that does not match). */
  public void fail(long seq, String p) {
    if (brokenSeq == null) {
      brokenSeq = seq;
      problem = p;
    }
  }

  public long lastSeq() {
    return lastSeq;
  }

  public String lastHash() {
    return lastHash;
  }

  public long checked() {
    return checked;
  }

  /** The seq of the first broken link, or null when everything so far links. */
  public Long brokenSeq() {
    return brokenSeq;
  }

  public String problem() {
    return problem;
  }

  public boolean ok() {
    return brokenSeq == null;
  }
}
