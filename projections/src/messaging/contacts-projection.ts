import { ContactBlocked, ContactRemoved, ContactRequestAccepted, ContactRequestCancelled, ContactRequestDeclined, ContactRequested, ContactUnblocked } from '@peerlock/schema';
import { defineProjection } from '../projection.js';

/** One user's side of every contact relation. Lists are kept sorted so rebuilds produce identical rows. */
export interface ContactListEntry {
  readonly username: string;
  readonly contacts: readonly string[];
  /** Requests others sent to this user, not yet answered. */
  readonly incoming: readonly string[];
  readonly outgoing: readonly string[];
  /** Users this user blocked. */
  readonly blocked: readonly string[];
}

const empty = (username: string): ContactListEntry => ({ username, contacts: [], incoming: [], outgoing: [], blocked: [] });
const add = (list: readonly string[], u: string) => (list.includes(u) ? list : [...list, u].sort());
const drop = (list: readonly string[], u: string) => list.filter((x) => x !== u);
const forget = (e: ContactListEntry, u: string): ContactListEntry => ({ ...e, contacts: drop(e.contacts, u), incoming: drop(e.incoming, u), outgoing: drop(e.outgoing, u) });

const handledEvents = [ContactRequested, ContactRequestAccepted, ContactRequestDeclined, ContactRequestCancelled, ContactRemoved, ContactBlocked, ContactUnblocked] as const;

export const contactsProjection = defineProjection<ContactListEntry, typeof handledEvents>({
  name: 'contacts',
  version: 1,
  handles: handledEvents,
  documentIds: (event) => ('requester' in event.data ? [event.data.requester, event.data.recipient] : [event.data.by, event.data.other]),
  apply(view, event) {
    const [a, b] = 'requester' in event.data ? [event.data.requester, event.data.recipient] : [event.data.by, event.data.other];
    const docA = view.get(a) ?? empty(a);
    const docB = view.get(b) ?? empty(b);
    let next: [ContactListEntry, ContactListEntry];
    switch (event.type) {
      case 'ContactRequested':
        next = [{ ...docA, outgoing: add(docA.outgoing, b) }, { ...docB, incoming: add(docB.incoming, a) }];
        break;
      case 'ContactRequestAccepted':
        next = [
          { ...forget(docA, b), contacts: add(docA.contacts, b) },
          { ...forget(docB, a), contacts: add(docB.contacts, a) },
        ];
        break;
      case 'ContactRequestDeclined':
      case 'ContactRequestCancelled':
      case 'ContactRemoved':
        next = [forget(docA, b), forget(docB, a)];
        break;
      case 'ContactBlocked':
        next = [{ ...forget(docA, b), blocked: add(docA.blocked, b) }, forget(docB, a)];
        break;
      case 'ContactUnblocked':
        next = [{ ...docA, blocked: drop(docA.blocked, b) }, docB];
        break;
      default: {
        const unreachable: never = event;
        throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
      }
    }
    return [
      { op: 'put', id: a, doc: next[0] },
      { op: 'put', id: b, doc: next[1] },
    ];
  },
});
