/**
 * Team presets (SPEC §5): named copies of the battle team. Names are at most
 * 15 characters and case-insensitive (stored lower-case). Each write takes
 * the player lock and then one statement with its conditions in SQL, so a
 * unit scrapped meanwhile can't slip into a team or preset.
 */
import type { Db, Queryable } from './db/index.js';
import { UserError } from './errors.js';
import { lockPlayer } from './players.js';
import { cmd, text } from './text.js';

export const PRESET_NAME_MAX = 15;
/** Keeps `!presets` readable and a player's presets bounded. */
export const MAX_PRESETS = 25;

export interface Preset {
  name: string;
  unitIds: number[];
  savedAt: Date;
}

/** The stored form of a preset name, or a clear error for an empty or too long one. */
export function normalizePresetName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ').toLowerCase();
  if (!name) throw new UserError(text`Give the preset a name, e.g. ${cmd('save_team', 'main')}.`);
  // Names are shown inside `code` and must not ping anyone.
  if (/[`<>@\u0000-\u001f\u007f]/.test(name)) throw new UserError("A preset name can't contain backticks, <, > or @.");
  if ([...name].length > PRESET_NAME_MAX)
    throw new UserError(`A preset name can be at most ${PRESET_NAME_MAX} characters (\`${name.slice(0, 30)}\` has ${[...name].length}).`);
  return name;
}

export interface SavedPreset {
  name: string;
  unitIds: number[];
  /** An existing preset of that name was overwritten. */
  replaced: boolean;
}

/**
 * Saves the current battle team (the units still owned, in slot order) under
 * `name`, replacing a preset of the same name.
 */
export async function savePreset(db: Db, playerId: string, rawName: string, now: Date): Promise<SavedPreset> {
  const name = normalizePresetName(rawName);
  // After the player lock, like every unit-changing transaction (see setTeam).
  return db.transaction(async (tx) => {
    await lockPlayer(tx, playerId);
    const r = await tx.query<{ unit_ids: number[] | null; existed: boolean; count: number; saved: boolean }>(
      `WITH team AS (
         SELECT ARRAY(SELECT t.id FROM players p, unnest(p.battle_team) WITH ORDINALITY AS t(id, ord)
                       WHERE p.id = $1 AND EXISTS (SELECT 1 FROM units u WHERE u.id = t.id AND u.player_id = $1)
                       ORDER BY t.ord) AS ids),
       existing AS (SELECT count(*)::int AS n, bool_or(name = $2) AS existed FROM team_presets WHERE player_id = $1),
       ins AS (
         INSERT INTO team_presets (player_id, name, unit_ids, saved_at)
         SELECT $1, $2, team.ids, $3 FROM team, existing
          WHERE cardinality(team.ids) > 0 AND (existing.existed OR existing.n < $4)
         ON CONFLICT (player_id, name) DO UPDATE SET unit_ids = EXCLUDED.unit_ids, saved_at = EXCLUDED.saved_at
         RETURNING unit_ids)
       SELECT (SELECT ids FROM team) AS unit_ids, coalesce((SELECT existed FROM existing), false) AS existed,
              (SELECT n FROM existing) AS count, EXISTS (SELECT 1 FROM ins) AS saved`,
      [playerId, name, now, MAX_PRESETS],
    );
    const row = r.rows[0]!;
    const ids = (row.unit_ids ?? []).map(Number);
    if (ids.length === 0) throw new UserError(text`Your battle team is empty, so there is nothing to save. Set one first with ${cmd('stb', '<id> <id> …')}.`);
    if (!row.saved) throw new UserError(text`You already have ${MAX_PRESETS} presets — delete one with ${cmd('delete_preset', '<name>')} first.`);
    return { name, unitIds: ids, replaced: row.existed };
  });
}

export interface LoadedPreset {
  name: string;
  /** Unit ids now in the battle team, in order. */
  unitIds: number[];
  /** Ids in the preset whose units are gone (scrapped). */
  missing: number[];
}

/**
 * Equips a preset as the battle team. Units that are gone are left out (and
 * reported); when none are left, nothing changes.
 */
export async function loadPreset(db: Db, playerId: string, rawName: string): Promise<LoadedPreset> {
  const name = normalizePresetName(rawName);
  // After the player lock, like every unit-changing transaction (see setTeam).
  return db.transaction(async (tx) => {
    await lockPlayer(tx, playerId);
    const r = await tx.query<{ preset: number[] | null; kept: number[] | null; updated: boolean }>(
      `WITH pr AS (SELECT unit_ids FROM team_presets WHERE player_id = $1 AND name = $2),
       kept AS (
         SELECT ARRAY(SELECT t.id FROM pr, unnest(pr.unit_ids) WITH ORDINALITY AS t(id, ord)
                       WHERE EXISTS (SELECT 1 FROM units u WHERE u.id = t.id AND u.player_id = $1)
                       ORDER BY t.ord) AS ids),
       upd AS (
         UPDATE players SET battle_team = (SELECT ids FROM kept)
          WHERE id = $1 AND EXISTS (SELECT 1 FROM pr) AND cardinality((SELECT ids FROM kept)) > 0
         RETURNING 1)
       SELECT (SELECT unit_ids FROM pr) AS preset, (SELECT ids FROM kept) AS kept, EXISTS (SELECT 1 FROM upd) AS updated`,
      [playerId, name],
    );
    const row = r.rows[0]!;
    if (!row.preset) throw new UserError(text`You have no preset called \`${name}\`. See ${cmd('presets')} for yours.`);
    const preset = row.preset.map(Number);
    const kept = (row.kept ?? []).map(Number);
    const missing = preset.filter((id) => !kept.includes(id));
    if (!row.updated) {
      throw new UserError(
        text`Every unit in preset \`${name}\` is gone (${missing.map((id) => `#${id}`).join(', ')}), so your battle team was left as it was. Delete it with ${cmd('delete_preset', name)}.`,
      );
    }
    return { name, unitIds: kept, missing };
  });
}

/** Deletes a preset (frees its units for scrapping). */
export async function deletePreset(db: Queryable, playerId: string, rawName: string): Promise<string> {
  const name = normalizePresetName(rawName);
  const r = await db.query('DELETE FROM team_presets WHERE player_id = $1 AND name = $2', [playerId, name]);
  if (r.rowCount === 0) throw new UserError(text`You have no preset called \`${name}\`. See ${cmd('presets')} for yours.`);
  return name;
}

/** A player's presets by name. */
export async function listPresets(db: Queryable, playerId: string): Promise<Preset[]> {
  const r = await db.query<{ name: string; unit_ids: number[]; saved_at: Date }>(
    'SELECT name, unit_ids, saved_at FROM team_presets WHERE player_id = $1 ORDER BY name',
    [playerId],
  );
  return r.rows.map((p) => ({ name: p.name, unitIds: p.unit_ids.map(Number), savedAt: new Date(p.saved_at) }));
}
