// Package secretbox seals the credentials twindesk stores for its outbound calls
// (webhook authentication, signing secrets, target passwords) with AES-256-GCM
// under a key kept outside the database, so the data directory, a database dump
// or a backup alone never yields a credential.
//
// A sealed value is text: "tdenc:v1:" followed by base64 (standard, unpadded) of
// key id (4 bytes) | nonce (12 bytes) | ciphertext and tag. The key id tells a
// wrong key from a damaged value, so an operator who restored a database without
// its key gets a message that says so. A value without the prefix is a plaintext
// row written before sealing existed; Open returns it as is.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Prefix marks a sealed value.
const Prefix = "tdenc:v1:"

// KeySize is the key length: AES-256.
const KeySize = 32

const idSize = 4

var (
	// ErrWrongKey means the value was sealed with another key.
	ErrWrongKey = errors.New("secretbox: sealed with another key")
	// ErrCorrupt means the value is not a well-formed sealed value, or was altered.
	ErrCorrupt = errors.New("secretbox: sealed value is damaged")
)

// Box seals and opens values with one key. It is safe for concurrent use.
type Box struct {
	aead      cipher.AEAD
	id        [idSize]byte
	deriveKey [sha256.Size]byte // see Derive
}

// New returns a Box for a 32-byte key.
func New(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secretbox: key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	b := &Box{aead: aead}
	copy(b.id[:], keyID(key))
	b.deriveKey = sha256.Sum256(append([]byte("twindesk secretbox derive\x00"), key...))
	return b, nil
}

// keyID is a short fingerprint of the key. It is a hash of 256 random bits under
// a label of its own, so it reveals nothing usable about the key.
func keyID(key []byte) []byte {
	sum := sha256.Sum256(append([]byte("twindesk secretbox key id\x00"), key...))
	return sum[:idSize]
}

// KeyID is the key's fingerprint in hex, for log lines.
func (b *Box) KeyID() string { return hex.EncodeToString(b.id[:]) }

// IsSealed reports whether v is a sealed value (of any key).
func IsSealed(v string) bool { return strings.HasPrefix(v, Prefix) }

// Seal encrypts plaintext. label names what the value is (for example "webhook
// auth password"); it is authenticated, so a value copied into another kind of
// field does not open. The empty string stays empty: it means "no credential".
func (b *Box) Seal(label, plaintext string) string {
	if plaintext == "" {
		return ""
	}
	buf := make([]byte, idSize+b.aead.NonceSize(), idSize+b.aead.NonceSize()+len(plaintext)+b.aead.Overhead())
	copy(buf, b.id[:])
	nonce := buf[idSize:]
	_, _ = rand.Read(nonce) // crypto/rand never fails on supported platforms
	out := b.aead.Seal(buf, nonce, []byte(plaintext), []byte(label))
	return Prefix + base64.RawStdEncoding.EncodeToString(out)
}

// Open decrypts a value sealed under the same label. A value without the prefix
// is returned unchanged: it was stored before sealing existed.
func (b *Box) Open(label, value string) (string, error) {
	if !IsSealed(value) {
		return value, nil
	}
	raw, err := base64.RawStdEncoding.DecodeString(value[len(Prefix):])
	ns := b.aead.NonceSize()
	if err != nil || len(raw) < idSize+ns+b.aead.Overhead() {
		return "", ErrCorrupt
	}
	if [idSize]byte(raw[:idSize]) != b.id {
		return "", fmt.Errorf("%w (key id %x, this key is %s)", ErrWrongKey, raw[:idSize], b.KeyID())
	}
	plain, err := b.aead.Open(nil, raw[idSize:idSize+ns], raw[idSize+ns:], []byte(label))
	if err != nil {
		return "", ErrCorrupt
	}
	return string(plain), nil
}

// SealedKeyID returns the key id a sealed value names, in hex ("" for plaintext
// or damaged values), so a start-up check can count values another key sealed.
func SealedKeyID(value string) string {
	if !IsSealed(value) {
		return ""
	}
	raw, err := base64.RawStdEncoding.DecodeString(value[len(Prefix):])
	if err != nil || len(raw) < idSize {
		return ""
	}
	return hex.EncodeToString(raw[:idSize])
}
