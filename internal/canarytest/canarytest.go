// Package canarytest holds the confidentiality check the escalation and kill
// tests share: after a ticket was escalated, no file of the standard instance
// may contain its canary string.
package canarytest

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"
)

// FilesContaining returns the files under dir that contain needle.
func FilesContaining(t testing.TB, dir, needle string) []string {
	t.Helper()
	var hits []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(needle)) {
			hits = append(hits, path)
		}
		return nil
	})
	require.NoError(t, err)
	return hits
}

// Needles are the forms a canary can be stored in, to scan for besides the
// canary itself: the full-text index keeps words lowercased and split at
// punctuation ("CANARY-7f3a9c" is stored as "canary" and "7f3a9c"), so a scan
// for the raw string alone misses what the index keeps. The words are those of
// at least 8 letters and digits, long enough not to match by chance.
func Needles(canary string) []string {
	needles := []string{canary}
	if lower := strings.ToLower(canary); lower != canary {
		needles = append(needles, lower)
	}
	words := strings.FieldsFunc(strings.ToLower(canary), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for _, w := range words {
		if len(w) >= 8 && w != needles[len(needles)-1] {
			needles = append(needles, w)
		}
	}
	return needles
}
