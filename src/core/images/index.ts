export type { CardRarity, CardInfo, TeamSlot, BattleImageInput, BannerImageInput, BountyBoardInput, RaidBarInput, BountyTier } from './types.js';
export { renderCard, renderTenPull, renderTeam, renderBattle, renderBanner, renderBountyBoard, renderRaidBar } from './render.js';
export { drawnPortrait, renderPortraitPng, initialsOf } from './portrait.js';
export { configureArtCache, loadArt, artStats, clearArtMemory } from './art.js';
export { fitCardName, dupeDisplay, drawCard } from './card.js';
export { measureTextWidth, fitText } from './gfx.js';
export { hasCjkFont } from './fonts.js';
