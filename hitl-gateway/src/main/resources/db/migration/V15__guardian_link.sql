-- Every read of the Guardian row checks it against the last Guardian change in the journal: one probe here.
CREATE INDEX journal_guardian_changes ON journal (seq) WHERE action IN ('guardian_locked', 'guardian_unlocked');
