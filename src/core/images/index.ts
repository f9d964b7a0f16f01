export { artStats, clearArtMemory, configureArtCache, loadArt } from './art.js';
export { drawCard, dupeDisplay, fitCardName } from './card.js';
export { hasCjkFont } from './fonts.js';
export { fitText, measureTextWidth } from './gfx.js';
export { drawnPortrait, initialsOf, renderPortraitPng } from './portrait.js';

import { Gate } from '../gate.js';
import * as render from './render.js';

/*
 * Two renders at a time, the rest queue (src/core/gate.ts). A render draws
 * for tens of ms without yielding, then encodes on the encoder threads: with
 * two in flight one draws while the other encodes, and no command's small
 * steps (a !gems) wait behind more than two drawing stretches. It also bounds
 * the pixel buffers in memory at once.
 */
const renders = new Gate(2);
const gated =
  <A extends unknown[]>(fn: (...args: A) => Promise<Buffer>) =>
  (...args: A): Promise<Buffer> =>
    renders.run(() => fn(...args));

export const renderBanner = gated(render.renderBanner);
export const renderBattle = gated(render.renderBattle);
export const renderBountyBoard = gated(render.renderBountyBoard);
export const renderCard = gated(render.renderCard);
export const renderRaidBar = gated(render.renderRaidBar);
export const renderTeam = gated(render.renderTeam);
export const renderTenPull = gated(render.renderTenPull);
export type { BannerImageInput, BattleImageInput, BountyBoardInput, BountyTier, CardInfo, CardRarity, RaidBarInput, TeamSlot } from './types.js';
