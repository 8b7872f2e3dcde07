// blakejs ships no types; these cover the BLAKE2s calls the SDK makes.
declare module 'blakejs' {
  interface Blake2sContext { readonly __brand: 'blake2s' }
  const blake: {
    blake2s(input: Uint8Array, key: Uint8Array | null, outlen: number): Uint8Array;
    blake2sInit(outlen: number, key: Uint8Array | null): Blake2sContext;
    blake2sUpdate(ctx: Blake2sContext, input: Uint8Array): void;
    blake2sFinal(ctx: Blake2sContext): Uint8Array;
  };
  export default blake;
}
