-- Slash commands (the Discord-native issue): the hash of the definitions last
-- registered per application and scope ('global', or a guild id), so an
-- unchanged reboot makes no API call and a change makes one bulk overwrite.
CREATE TABLE slash_registrations (
  application_id   TEXT NOT NULL,
  scope            TEXT NOT NULL,
  definitions_hash TEXT NOT NULL,
  command_count    INTEGER NOT NULL,
  registered_at    TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (application_id, scope)
);
