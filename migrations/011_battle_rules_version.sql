-- Each battle records the rule set it was fought under (RULES_VERSION in
-- src/core/skills/engine.ts), so `!replay` can tell a battle it can re-run
-- exactly from one fought under older rules. Every battle stored before this
-- column was fought under rule set 1; new rows must say which set they used.
ALTER TABLE battles ADD COLUMN rules_version INT NOT NULL DEFAULT 1 CHECK (rules_version >= 1);
ALTER TABLE battles ALTER COLUMN rules_version DROP DEFAULT;
