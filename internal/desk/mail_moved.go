package desk

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/mail/parse"
	"github.com/twindesk/twindesk/internal/store"
)

// Replies to mail of the helpdesk an account was moved from (`twindesk import
// zendesk`, docs/import.md). Zendesk's notifications name their ticket three
// ways: In-Reply-To and References (Message-IDs of Zendesk's own making), an
// encoded id such as [1G7EOR-0Q2J] in the text, and a Reply-To plus-address on
// the account's Zendesk host: support+id{ticket id}@acme.zendesk.com, or the
// same with the encoded id. Zendesk's API gives neither its Message-IDs nor
// encoded ids (the ticket JSON has no encoded_id; {{ticket.encoded_id}} is
// rendered only into mail), so the import can't record them. What it does
// record is each ticket's source id: the plus-address with a ticket number is
// followed through that map. It also records the Message-IDs of the mails
// that became comments (the customer's own mails, Zendesk's
// metadata.system.message_id), which a reply's In-Reply-To/References name
// (mail_moved_ids.go).
//
// None of these references is signed: anyone can write support+id123@... So a
// reply follows one only when its sender is the imported ticket's requester or
// one of its CCs, the people the old notifications went to; anyone else gets a
// new ticket, as a mail without a reference of ours would. twindesk's own
// references go further (a signed one lets anyone add a private note) because
// no one can forge them. The ticket found goes on through fileMail like one our
// own references name: closed means a follow-up, escalated means the secure
// instance.

var (
	// movedAddrRe is a Zendesk reply address with a ticket number:
	// {local}+id{number}@{host}, read lower-cased.
	movedAddrRe = regexp.MustCompile(`^[^@+\s]+\+id([1-9][0-9]{0,17})@([a-z0-9.-]+)$`)
	// encodedIDRe is Zendesk's encoded id in the text or an address's tag.
	encodedIDRe = regexp.MustCompile(`(?i)(?:\[|\+id)([0-9a-z]{6}-[0-9a-z]{4})(?:\]|@)`)
)

// threadMoved finds the imported ticket a reply to the old helpdesk's mail
// names. When it finds none to follow, target is 0 and how, if not empty, says
// why the reference it saw was not followed (for the intake log).
func (s *Service) threadMoved(ctx context.Context, m *parse.Message) (target int64, how string, err error) {
	q := s.db.Read()
	for _, a := range mailRecipients(m) {
		addr := strings.ToLower(strings.TrimSpace(a.Address))
		if i := strings.LastIndexByte(addr, '<'); i >= 0 {
			addr = strings.TrimSuffix(addr[i+1:], ">")
		}
		g := movedAddrRe.FindStringSubmatch(addr)
		if g == nil {
			continue
		}
		srcID, _ := strconv.ParseInt(g[1], 10, 64)
		id, found, err := q.ImportedTicket(ctx, g[2], srcID)
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
			return 0, fmt.Sprintf("reply address %s names ticket %d (ticket %d of %s before the move), but the sender is neither its requester nor one of its CCs",
				addr, id, srcID, g[2]), nil
		}
		return id, fmt.Sprintf("reply address of %s (its ticket %d)", g[2], srcID), nil
	}
	if target, how, err := threadMovedByMessageID(ctx, q, m); err != nil || target != 0 || how != "" {
		return target, how, err
	}
	var addrs strings.Builder
	for _, a := range mailRecipients(m) {
		addrs.WriteString(a.Address + " ")
	}
	for _, text := range []string{addrs.String(), m.Subject, m.Full} {
		if g := encodedIDRe.FindStringSubmatch(text); g != nil {
			return 0, fmt.Sprintf("Zendesk's encoded id [%s] names no ticket here (Zendesk's API does not give encoded ids, so no import records them)",
				strings.ToUpper(g[1])), nil
		}
	}
	return 0, "", nil
}

// movedSenderMay reports whether the mail's sender may follow an unsigned
// reference into ticket id: they are its requester or one of its CCs.
func movedSenderMay(ctx context.Context, q *store.Queries, id int64, from string) (bool, error) {
	t, err := q.Ticket(ctx, id)
	if isNotFound(err) {
		return true, nil // fileMail makes a new ticket and says the old one is gone
	}
	if err != nil {
		return false, err
	}
	u, err := q.UserByEmail(ctx, strings.TrimSpace(from))
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return u.ID == t.RequesterID || slices.Contains(t.EmailCCIDs, u.ID), nil
}
