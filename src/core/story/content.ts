/**
 * Story mode content (SPEC §19) — data, not code: a chapter is five stages,
 * each with its own lines, an enemy rule, a recommended power and rewards.
 * Adding a chapter means adding an entry here; `validateStory` checks it at
 * boot. Enemy power follows the NPC rule of SPEC §7 (favourites from rank),
 * scaled per stage so difficulty rises smoothly from a starter team
 * (chapter 1) to teams with dupes, bonds and levels (chapter 4).
 */
import type { StoryChapterInput } from './schema.js';

export const STORY: readonly StoryChapterInput[] = [
  {
    chapter: 1,
    title: 'The Fallen Star',
    stages: [
      {
        title: 'Ash on the Shore',
        lines: [
          'A streak of light tore the night open and fell into the sea off Lantern Bay.',
          'By morning the fishermen were gone, and scarecrow-things walked the sand where they had been.',
        ],
        enemies: { units: [{ rarity: 'R', ranks: [6000, 10000], count: 5 }], scale: 0.8, names: ['Driftwood Husk'] },
        firstClear: { gems: 1000 },
        repeat: { gems: 100 },
      },
      {
        title: 'The Lighthouse Keeper',
        lines: [
          'The old keeper still tends the lamp, though his shadow no longer follows him.',
          '"It landed in the reef," he says. "Whatever it is, it is calling to them."',
        ],
        enemies: { units: [{ rarity: 'R', ranks: [4000, 9000], count: 5 }], scale: 0.85, names: ['Hollow Gull'] },
        firstClear: { gems: 1500 },
        repeat: { gems: 100 },
      },
      {
        title: 'Reef of Glass',
        lines: [
          'The coral has turned to clear crystal. Inside each branch, a tiny star is sleeping.',
          'Something large moves beneath the water, and the crystals begin to hum.',
        ],
        enemies: {
          units: [
            { rarity: 'R', ranks: [3000, 8000], count: 4 },
            { rarity: 'SR', ranks: [1200, 1500], count: 1 },
          ],
          scale: 0.8,
          names: ['Glass Crab', 'Reef Warden'],
        },
        firstClear: { gems: 2000 },
        repeat: { gems: 150 },
      },
      {
        title: 'Tide of Whispers',
        lines: [
          'The whispers have a voice now. It knows your name, and the names of your friends.',
          'Your team holds the line while the tide rises around the ruined pier.',
        ],
        enemies: {
          units: [
            { rarity: 'R', ranks: [2000, 6000], count: 4 },
            { rarity: 'SR', ranks: [1000, 1500], count: 1, skills: ['Surge'] },
          ],
          scale: 0.8,
          names: ['Whisper Eel', 'Tide Caller'],
        },
        firstClear: { gems: 2500 },
        repeat: { gems: 150 },
      },
      {
        title: 'The Starfall Leviathan',
        lines: [
          'The fallen star was never a star: it is the eye of something vast, waking.',
          'The Leviathan rises from the reef, crowned in glass. Lantern Bay holds its breath.',
        ],
        enemies: {
          units: [{ rarity: 'R', ranks: [1501, 5000], count: 4 }],
          scale: 0.8,
          names: ['Leviathan Spawn'],
          boss: { name: 'Starfall Leviathan', rarity: 'SR', ranks: [800, 1200], skills: ['Guard'], powerMultiplier: 1.1 },
        },
        firstClear: { gems: 5000, items: { bond_small: 3 } },
        repeat: { gems: 250 },
      },
    ],
  },
  {
    chapter: 2,
    title: 'Lanterns of the Deep Road',
    stages: [
      {
        title: 'The Caravan Road',
        lines: [
          'The glass spreads inland along the old caravan road, and with it the hollow ones.',
          'A merchant offers you passage, if your team will guard her lanterns.',
        ],
        enemies: {
          units: [
            { rarity: 'SR', ranks: [1000, 1500], count: 3 },
            { rarity: 'R', ranks: [1501, 4000], count: 2 },
          ],
          scale: 0.95,
          names: ['Road Bandit'],
        },
        firstClear: { gems: 3000 },
        repeat: { gems: 200 },
      },
      {
        title: 'Bandits in the Pass',
        lines: [
          'The bandits wear shards of glass like badges. Each shard burns with stolen light.',
          '"They pay us in stars," one spits. "And stars are worth more than you."',
        ],
        enemies: {
          units: [
            { rarity: 'SR', ranks: [800, 1500], count: 4, skills: ['Berserk'] },
            { rarity: 'R', ranks: [1501, 3000], count: 1 },
          ],
          scale: 1.0,
          names: ['Shardblade'],
        },
        firstClear: { gems: 3500 },
        repeat: { gems: 200 },
      },
      {
        title: 'The Quiet Monastery',
        lines: [
          'The monks have not spoken in a hundred years. Tonight their bells ring on their own.',
          'In the courtyard, stone guardians turn their heads toward you.',
        ],
        enemies: { units: [{ rarity: 'SR', ranks: [600, 1200], count: 5, skills: ['Guard'] }], scale: 1.0, names: ['Bell Guardian'] },
        firstClear: { gems: 4000 },
        repeat: { gems: 250 },
      },
      {
        title: 'The Lantern Thief',
        lines: [
          'The merchant was never a merchant. Her lanterns hold the stars she has stolen.',
          'She laughs, and every lantern on the road goes dark at once.',
        ],
        enemies: { units: [{ rarity: 'SR', ranks: [400, 1000], count: 5, skills: ['The Joker'] }], scale: 1.05, names: ['Lantern Shade'] },
        firstClear: { gems: 4500 },
        repeat: { gems: 250 },
      },
      {
        title: 'Queen of Lanterns',
        lines: [
          'Crowned in a hundred captured lights, the Lantern Queen descends from the monastery tower.',
          "Her light will not let your team's gifts shine — unless you outshine her.",
        ],
        enemies: {
          units: [{ rarity: 'SR', ranks: [300, 800], count: 4, skills: ['Surge'] }],
          scale: 1.05,
          names: ['Lantern Knight'],
          boss: { name: 'Queen of Lanterns', rarity: 'SSR', ranks: [150, 250], skills: ['The Onyx Moon'], powerMultiplier: 1.1 },
        },
        firstClear: { gems: 8000, items: { bond_med: 2 } },
        repeat: { gems: 400 },
      },
    ],
  },
  {
    chapter: 3,
    title: 'The Clockwork Sky',
    stages: [
      {
        title: 'Gears in the Clouds',
        lines: [
          'Above the mountains floats a city of brass, ticking like an enormous heart.',
          'Its citizens are made of springs and borrowed starlight, and they do not welcome guests.',
        ],
        enemies: {
          units: [
            { rarity: 'SR', ranks: [251, 700], count: 4, skills: ['Surge'] },
            { rarity: 'SSR', ranks: [150, 250], count: 1 },
          ],
          scale: 1.1,
          names: ['Brass Sentinel'],
        },
        firstClear: { gems: 5000 },
        repeat: { gems: 300 },
      },
      {
        title: 'The Orrery Gardens',
        lines: ['Planets of copper circle a garden where the flowers keep perfect time.', 'Stop one, and all the clocks of the city turn to look at you.'],
        enemies: {
          units: [
            { rarity: 'SSR', ranks: [120, 250], count: 2, skills: ['Berserk'] },
            { rarity: 'SR', ranks: [251, 600], count: 3, skills: ['Guard'] },
          ],
          scale: 1.12,
          names: ['Orrery Keeper'],
        },
        firstClear: { gems: 5500 },
        repeat: { gems: 300 },
      },
      {
        title: 'Lucky Machines',
        lines: ['In the gambling halls of the sky city, the machines play for souls instead of coins.', 'They always win. Almost always.'],
        enemies: {
          units: [
            { rarity: 'SSR', ranks: [100, 250], count: 3, skills: ['Lucky 7'] },
            { rarity: 'SR', ranks: [251, 500], count: 2 },
          ],
          scale: 1.12,
          names: ['Slot Golem'],
        },
        firstClear: { gems: 6000 },
        repeat: { gems: 350 },
      },
      {
        title: 'The Tower of Minutes',
        lines: [
          'Every step up the tower costs a minute of your life; every minute is stored in a jar.',
          'At the top, someone has been collecting them for a very long time.',
        ],
        enemies: {
          units: [
            { rarity: 'SSR', ranks: [80, 200], count: 4, skills: ['Revive'] },
            { rarity: 'SR', ranks: [251, 400], count: 1 },
          ],
          scale: 1.1,
          names: ['Minute Warden'],
        },
        firstClear: { gems: 7000 },
        repeat: { gems: 350 },
      },
      {
        title: 'The Clockmaker',
        lines: [
          'The Clockmaker built the sky city to catch the fallen stars and wind them like springs.',
          'He raises his hand, and the whole sky stops to listen to the second hand.',
        ],
        enemies: {
          units: [{ rarity: 'SSR', ranks: [60, 180], count: 4, skills: ['Guard'] }],
          scale: 1.1,
          names: ['Clockwork Knight'],
          boss: { name: 'The Clockmaker', rarity: 'SSR', ranks: [20, 60], skills: ['Queen of the Zodiacs'], powerMultiplier: 1.15 },
        },
        firstClear: { gems: 12000, items: { bond_large: 1 } },
        repeat: { gems: 500 },
      },
    ],
  },
  {
    chapter: 4,
    title: 'Heart of the Falling Star',
    stages: [
      {
        title: 'Where Stars Are Born',
        lines: [
          'Beyond the sky city lies the nursery of stars, where the first light of the world still burns.',
          'The guardians here were old when the sea was young.',
        ],
        enemies: { units: [{ rarity: 'SSR', ranks: [50, 150], count: 5, skills: ['Surge'] }], scale: 1.15, names: ['Star Nursery Guardian'] },
        firstClear: { gems: 8000 },
        repeat: { gems: 500 },
      },
      {
        title: 'The Eclipse Choir',
        lines: [
          'A choir sings in the dark between two suns. Where their song reaches, skills fall silent.',
          'Only a bond stronger than their hymn can still be heard.',
        ],
        enemies: { units: [{ rarity: 'SSR', ranks: [40, 120], count: 5, skills: ['The Onyx Moon'] }], scale: 1.2, names: ['Eclipse Singer'] },
        firstClear: { gems: 9000 },
        repeat: { gems: 500 },
      },
      {
        title: 'Twelve Houses of Night',
        lines: [
          'Twelve doors, twelve beasts of the zodiac, twelve tests of your resolve.',
          'The beasts do not hate you. They simply will not let you pass unchanged.',
        ],
        enemies: { units: [{ rarity: 'SSR', ranks: [20, 100], count: 5, skills: ['Queen of the Zodiacs'] }], scale: 1.25, names: ['Zodiac Beast'] },
        firstClear: { gems: 10000 },
        repeat: { gems: 600 },
      },
      {
        title: 'The Last Lantern',
        lines: [
          'The Lantern Queen waits at the last door, her lanterns empty. "I only wanted them to stay," she says.',
          'She fights beside the dark one last time — and this time, she means it.',
        ],
        enemies: { units: [{ rarity: 'SSR', ranks: [10, 60], count: 5, skills: ['Second Wind'] }], scale: 1.3, names: ['Lantern Revenant'] },
        firstClear: { gems: 12000 },
        repeat: { gems: 600 },
      },
      {
        title: 'The Falling Star',
        lines: [
          'At the heart of it all, the star itself: a child of light who fell because it was lonely.',
          'It will not stop falling until someone is strong enough to catch it.',
        ],
        enemies: {
          units: [{ rarity: 'SSR', ranks: [5, 40], count: 4, skills: ['Berserk'] }],
          scale: 1.35,
          names: ['Starlight Shard'],
          boss: { name: 'The Falling Star', rarity: 'SSR', ranks: [1, 5], skills: ['Revive', 'Guard'], powerMultiplier: 1.2 },
        },
        firstClear: { gems: 25000, coins: 500, items: { bond_ur: 1 } },
        repeat: { gems: 1000 },
      },
    ],
  },
];
