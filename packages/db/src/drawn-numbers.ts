import { ConflictError } from '@gridsafe/core';

/**
 * A write that draws document numbers (an inspection's, a 督办单's), tried again when another document took a number first (the sequence's
 * condition failed): the loser draws the next number, so numbers stay gapless and unique.
 */
export async function withDrawnNumbers<T>(write: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
