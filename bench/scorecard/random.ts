import { seededRandom } from '../lib/seeded-random.js';

export { seededRandom };
/**
 * A coin that fails exactly `share` of every `deck` flips, in a seeded order: "50% 503" then
 * means half of the requests in any stretch of the phase, not a streak of bad luck (the first 50
 * flips of one seed came out 35 failures).
 */
export function balancedCoin(random: () => number, share: number, deck = 10): () => boolean {
  let cards: boolean[] = [];
  return () => {
    if (cards.length === 0) {
      cards = Array.from({ length: deck }, (_, i) => i < Math.round(share * deck));
      for (let i = cards.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [cards[i], cards[j]] = [cards[j]!, cards[i]!];
      }
    }
    return cards.pop()!;
  };
}
