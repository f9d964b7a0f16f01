export { artStats, clearArtMemory, configureArtCache, loadArt } from './art.js';
export { drawCard, dupeDisplay, fitCardName } from './card.js';
export { hasCjkFont } from './fonts.js';
export { fitText, measureTextWidth } from './gfx.js';
export { drawnPortrait, initialsOf, renderPortraitPng } from './portrait.js';
export { renderBanner, renderBattle, renderBountyBoard, renderCard, renderRaidBar, renderTeam, renderTenPull } from './render.js';
export type { BannerImageInput, BattleImageInput, BountyBoardInput, BountyTier, CardInfo, CardRarity, RaidBarInput, TeamSlot } from './types.js';

/** The format every image reply is encoded in; attachments are named `<name>.<ext>`. */
export const IMAGE_FORMAT = { ext: 'png', contentType: 'image/png' } as const;
