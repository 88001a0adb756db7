package secretbox

import (
	"bytes"
	"testing"
)

func TestDerive(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{7}, KeySize)
	a, _ := New(key)
	b, _ := New(key)
	other, _ := Generate()
	if !bytes.Equal(a.Derive("mail"), b.Derive("mail")) {
		t.Fatal("the same key must derive the same purpose key on every node")
	}
	if bytes.Equal(a.Derive("mail"), a.Derive("mail2")) || bytes.Equal(a.Derive("mail"), other.Derive("mail")) {
		t.Fatal("purposes and keys must derive different keys")
	}
	if bytes.Contains(a.Derive("mail"), key[:8]) || len(a.Derive("mail")) != 32 {
		t.Fatal("a derived key is 32 bytes and not the key itself")
	}
}
