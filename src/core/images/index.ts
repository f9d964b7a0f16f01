export { ArtCache, type ArtCacheOptions, type ArtSource } from './art.js';
export { drawCard, dupeDisplay, fitCardName } from './card.js';
export { encodeImage, IMAGE_FORMAT, MAX_IMAGE_BYTES } from './encode.js';
export { hasCjkFont, hasEmojiFont } from './fonts.js';
export { fitText, measureTextWidth } from './gfx.js';
export { createPictures, LocalPictures, type PictureName, type Pictures } from './pictures.js';
export { drawnPortrait, initialsOf } from './portrait.js';
export { renderBanner, renderBattle, renderBountyBoard, renderCard, renderRaidBar, renderRaidHit, renderTeam, renderTenPull } from './render.js';
export type { BannerImageInput, BattleImageInput, BountyBoardInput, BountyTier, CardInfo, CardRarity, RaidBarInput, RaidHitInput, TeamSlot } from './types.js';
