import type { ContactListEntry } from '@peerlock/projections';
import { builder, commandContextOf } from '../builder.js';
import { canonicalUsername } from '../../accounts/username.js';
import type { ContactCommandType } from '../../contacts/contact-decider.js';

const ContactListRef = builder.objectRef<ContactListEntry>('ContactList').implement({
  description: 'Your contacts and pending requests. Messages go only to contacts.',
  fields: (t) => ({
    contacts: t.stringList({ resolve: (c) => [...c.contacts] }),
    incoming: t.stringList({ description: 'Requests waiting for your answer.', resolve: (c) => [...c.incoming] }),
    outgoing: t.stringList({ description: 'Your requests not yet answered.', resolve: (c) => [...c.outgoing] }),
    blocked: t.stringList({ resolve: (c) => [...c.blocked] }),
  }),
});

builder.queryField('contacts', (t) =>
  t.withAuth({ viewer: true }).field({
    type: ContactListRef,
    resolve: (_root, _args, ctx) => ctx.services.contacts.list(ctx.viewer.username),
  }),
);

const COMMANDS: Record<string, [ContactCommandType, string]> = {
  requestContact: ['RequestContact', 'Ask a user (by username) to become a contact; if they already asked you, you are contacts.'],
  acceptContact: ['AcceptContact', 'Accept an incoming request.'],
  declineContact: ['DeclineContact', 'Decline an incoming request.'],
  cancelContactRequest: ['CancelContactRequest', 'Withdraw your own request.'],
  removeContact: ['RemoveContact', 'End a contact: no more messages between you.'],
  blockContact: ['BlockContact', 'Block a user: ends any contact or request, and they cannot ask again.'],
  unblockContact: ['UnblockContact', 'Lift your block.'],
};

for (const [field, [command, description]] of Object.entries(COMMANDS)) {
  builder.mutationField(field, (t) =>
    t.withAuth({ viewer: true }).field({
      type: ContactListRef,
      description: `${description} Returns your contact list.`,
      args: { username: t.arg.string() },
      resolve: (_root, args, ctx) => ctx.services.contacts.execute(command, canonicalUsername(args.username), commandContextOf(ctx)),
    }),
  );
}
