/** A retry waits what the server asked and up to as long again, so clients refused together do not come back together. */
export const withJitter = (ms: number): number => ms * (1 + Math.random());
