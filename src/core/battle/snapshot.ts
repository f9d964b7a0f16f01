/**
 * A team as it fought: the engine's BattleUnit plus what the reply and the
 * images show (inventory id, dupe level). Stored as JSONB with the battle, so
 * a replay needs nothing but the record.
 */
import { z } from 'zod';
import type { BattleUnit } from '../skills/engine.js';
import type { Unit } from '../units.js';

export interface SnapshotUnit extends BattleUnit {
  skills: string[];
  imageUrl: string | null;
  /** The player's unit id; null for NPCs. */
  unitId: number | null;
  dupeLevel: number;
}

export function snapshotOfUnits(units: readonly Unit[]): SnapshotUnit[] {
  return units.map((u) => ({
    name: u.name,
    characterId: u.characterId,
    power: u.power,
    skills: [...u.skills],
    rarity: u.rarity,
    imageUrl: u.imageUrl,
    unitId: u.id,
    dupeLevel: u.dupeLevel,
  }));
}

/** Validates a stored snapshot, so a damaged record fails loudly instead of replaying wrong. */
const snapshotSchema = z
  .array(
    z.object({
      name: z.string(),
      characterId: z.number().int(),
      power: z.number().finite().min(0),
      skills: z.array(z.string()),
      rarity: z.enum(['R', 'SR', 'SSR', 'UR']),
      imageUrl: z.string().nullable(),
      unitId: z.number().int().nullable(),
      dupeLevel: z.number().int().min(0),
    }),
  )
  .max(5);

export function parseSnapshot(json: unknown): SnapshotUnit[] {
  return snapshotSchema.parse(json);
}
