package desk

import (
	"context"
	"fmt"
	"slices"

	"github.com/twindesk/twindesk/internal/mail/parse"
	"github.com/twindesk/twindesk/internal/store"
)

// An account whose support address is on its own domain gets no
// support+id{N} reply address from Zendesk: its notifications' only marker is
// the Message-ID chain. A customer's reply lists, in In-Reply-To and
// References, the Message-IDs of the mails it answers, among them the
// customer's own first mail, whose Message-ID Zendesk kept in the comment's
// metadata.system.message_id and the import recorded (migration 037).
// Message-IDs are no more secret than the plus-address, so the same sender
// check applies.

// threadMovedByMessageID finds the imported ticket whose recorded Message-IDs
// the mail's In-Reply-To or References name (In-Reply-To first, then
// References newest first, as thread reads ours). target is 0 when none does;
// how then says, if not empty, why the one found was not followed.
func threadMovedByMessageID(ctx context.Context, q *store.Queries, m *parse.Message) (target int64, how string, err error) {
	refs := slices.Clone(m.InReplyTo)
	for _, r := range slices.Backward(m.References) {
		refs = append(refs, r)
	}
	for _, ref := range refs {
		id, found, err := q.ImportedMessageTicket(ctx, ref)
		if err != nil {
			return 0, "", err
		}
		if !found {
			continue
		}
		ok, err := movedSenderMay(ctx, q, id, m.From.Address)
		if err != nil {
			return 0, "", err
		}
		if !ok {
			return 0, fmt.Sprintf("Message-ID <%s> of an imported mail names ticket %d, but the sender is neither its requester nor one of its CCs",
				ref, id), nil
		}
		return id, fmt.Sprintf("Message-ID <%s> of an imported mail", ref), nil
	}
	return 0, "", nil
}
