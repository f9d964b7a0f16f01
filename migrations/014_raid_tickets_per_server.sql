-- Raid tickets are counted per player per server, as the raid replies say
-- ("everyone in this server gets 3 raid tickets a day"): 3 spent in one server
-- leave 3 in another. Casino tickets stay per player. `scope` is the server's
-- id for raid tickets and '' for casino tickets.
ALTER TABLE daily_tickets ADD COLUMN scope TEXT NOT NULL DEFAULT '';
ALTER TABLE daily_tickets DROP CONSTRAINT daily_tickets_pkey;
ALTER TABLE daily_tickets ADD PRIMARY KEY (player_id, kind, scope, day);

-- Raid tickets spent before this migration were counted across servers. Every
-- spent raid ticket is one raid attack, written in the same transaction, so the
-- attacks say in which server each ticket went: split those rows by server.
INSERT INTO daily_tickets (player_id, kind, scope, day, used)
SELECT a.player_id, 'raid', r.guild_id, (a.at AT TIME ZONE 'UTC')::date, count(*)::int
  FROM raid_attacks a
  JOIN raids r ON r.id = a.raid_id
 WHERE EXISTS (SELECT 1 FROM daily_tickets t
                WHERE t.player_id = a.player_id AND t.kind = 'raid' AND t.scope = ''
                  AND t.day = (a.at AT TIME ZONE 'UTC')::date)
 GROUP BY a.player_id, r.guild_id, (a.at AT TIME ZONE 'UTC')::date;
DELETE FROM daily_tickets WHERE kind = 'raid' AND scope = '';

ALTER TABLE daily_tickets ADD CONSTRAINT daily_tickets_raid_has_server CHECK (kind <> 'raid' OR scope <> '');
