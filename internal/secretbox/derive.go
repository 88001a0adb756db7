package secretbox

import (
	"crypto/hmac"
	"crypto/sha256"
)

// Derive returns a 32-byte key for one purpose (for example "mail thread
// tokens"), computed from the instance key with HMAC-SHA256. Other features get
// a key of their own this way instead of the sealing key itself, so a key that
// leaks through one of them (it signs what leaves the instance) opens no
// credential, and one purpose's key says nothing about another's.
func (b *Box) Derive(purpose string) []byte {
	m := hmac.New(sha256.New, b.deriveKey[:])
	m.Write([]byte("twindesk derive v1\x00" + purpose))
	return m.Sum(nil)
}
