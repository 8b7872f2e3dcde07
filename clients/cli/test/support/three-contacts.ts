/**
 * alice, bob and carol as SDK clients (random key pairs, no scrypt), each a
 * contact of the others, carol's client reaching the server at `carolUrl`
 * (the hostile proxy, in the tests that play the server).
 */
import WebSocket from 'ws';
import { keyPairFromSecretKey, PeerlockClient, randomBytes } from '@peerlock/sdk';

export async function threeContacts(serverUrl: string, carolUrl: string): Promise<{ alice: PeerlockClient; bob: PeerlockClient; carol: PeerlockClient }> {
  const client = (url: string) => new PeerlockClient({ url, webSocketImpl: WebSocket });
  const [alice, bob, carol] = [client(serverUrl), client(serverUrl), client(carolUrl)];
  for (const [name, c] of [['alice', alice], ['bob', bob], ['carol', carol]] as const) await c.signup({ username: name, passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });
  for (const [from, to] of [[alice, 'bob'], [alice, 'carol'], [bob, 'carol']] as const) await from.requestContact(to);
  await bob.acceptContact('alice');
  await carol.acceptContact('alice');
  await carol.acceptContact('bob');
  return { alice, bob, carol };
}
