package parse

import (
	"strings"

	"github.com/emersion/go-message"
)

// Auto says why a mail was sent by a machine. Such mail is recorded, never
// answered (RFC 3834), and a bounce never opens a ticket.
type Auto string

const (
	// AutoReply is an auto-responder's mail: Auto-Submitted other than "no",
	// X-Autoreply, X-Autorespond, or Exchange's X-Auto-Response-Suppress.
	AutoReply Auto = "auto_reply"
	// AutoBulk is list or bulk mail: Precedence bulk/junk/list, List-Id.
	AutoBulk Auto = "bulk"
	// AutoBounce is a delivery or read report (multipart/report, RFC 3464/8098).
	AutoBounce Auto = "bounce"
)

func detectAuto(h message.Header) Auto {
	ct, params, _ := h.ContentType()
	if ct == "multipart/report" {
		switch strings.ToLower(params["report-type"]) {
		case "delivery-status", "disposition-notification":
			return AutoBounce
		}
	}
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return AutoReply
	}
	if h.Get("X-Autoreply") != "" || h.Get("X-Autorespond") != "" || h.Get("X-Autoresponse") != "" {
		return AutoReply
	}
	// Exchange stamps its own auto-replies with a suppression request; a person's
	// mail carries none.
	if v := strings.ToLower(h.Get("X-Auto-Response-Suppress")); strings.Contains(v, "all") || strings.Contains(v, "oof") || strings.Contains(v, "autoreply") {
		return AutoReply
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "junk", "list":
		return AutoBulk
	}
	if h.Get("List-Id") != "" || h.Get("List-Unsubscribe") != "" {
		return AutoBulk
	}
	return ""
}
