package threadtoken

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func signer(t *testing.T, key, domain string) *Signer {
	t.Helper()
	s, err := New([]byte(strings.Repeat(key, 32)[:32]), domain)
	require.NoError(t, err)
	return s
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	s := signer(t, "k", "IT.Company.example")
	id := s.MessageID(42, 7)
	require.Regexp(t, `^<td-42-7-[a-z2-7]{16}@it\.company\.example>$`, id)
	got, ok := s.ParseMessageID(id)
	require.True(t, ok)
	require.Equal(t, int64(42), got)
	got, ok = s.ParseReferences("<other@x.example>\r\n " + strings.ToUpper(id))
	require.True(t, ok, "a client that upper-cases ids still threads")
	require.Equal(t, int64(42), got)

	addr := s.ReplyAddress("it+old@it.company.example", 42)
	require.Regexp(t, `^it\+td-42-[a-z2-7]{16}@it\.company\.example$`, addr)
	require.LessOrEqual(t, len(strings.Split(addr, "@")[0]), 64, "RFC 5321 local-part limit")
	got, ok = s.ParseAddress(`"IT" <` + strings.ToUpper(addr) + `>`)
	require.True(t, ok)
	require.Equal(t, int64(42), got)

	body := "Thanks!\n\n> old text [td-1-aaaaaaaaaaaaaaaa]\n" + s.Marker(42)
	got, ok = s.ParseBody(body)
	require.True(t, ok, "a forged marker before ours does not hide it")
	require.Equal(t, int64(42), got)
	require.NotEqual(t, s.MessageID(42, 7), s.MessageID(42, 8))
}

func TestRejected(t *testing.T) {
	t.Parallel()
	it := signer(t, "k", "it.company.example")
	hr := signer(t, "h", "hr.company.example")
	itSameDomainOtherKey := signer(t, "x", "it.company.example")

	id := it.MessageID(42, 7)
	sig := strings.Split(strings.TrimSuffix(id, "@it.company.example>"), "-")[3]
	cases := map[string]string{
		"edited ticket":      strings.Replace(id, "td-42-", "td-43-", 1),
		"edited n":           strings.Replace(id, "-7-", "-8-", 1),
		"foreign domain":     strings.Replace(id, "it.company.example", "evil.example", 1),
		"sibling domain":     strings.Replace(id, "it.company.example", "hr.company.example", 1),
		"no signature":       "<td-42-7@it.company.example>",
		"truncated sig":      "<td-42-7-" + sig[:8] + "@it.company.example>",
		"not ours":           "<CAF=abc@mail.gmail.com>",
		"address sig as msg": "<td-42-0-" + strings.Split(it.ReplyAddress("it@it.company.example", 42), "-")[2],
	}
	for name, v := range cases {
		_, ok := it.ParseMessageID(v)
		require.False(t, ok, name)
	}
	_, ok := hr.ParseMessageID(hr.MessageID(42, 7)) // sanity: HR reads its own
	require.True(t, ok)
	_, ok = hr.ParseMessageID(id)
	require.False(t, ok, "HR does not read IT's ids")
	_, ok = itSameDomainOtherKey.ParseMessageID(id)
	require.False(t, ok, "another key on the same domain does not verify")

	addr := it.ReplyAddress("it@it.company.example", 42)
	for name, v := range map[string]string{
		"foreign domain": strings.Replace(addr, "it.company.example", "evil.example", 1),
		"edited ticket":  strings.Replace(addr, "td-42-", "td-41-", 1),
		"no tag":         "it@it.company.example",
	} {
		_, ok := it.ParseAddress(v)
		require.False(t, ok, name)
	}
	_, ok = hr.ParseAddress(addr)
	require.False(t, ok)
	require.Equal(t, "help@other.example", it.ReplyAddress("help@other.example", 42), "no tag outside our domain")

	_, ok = it.ParseBody("see " + hr.Marker(42))
	require.False(t, ok, "HR's marker is not IT's")
	_, ok = it.ParseBody(strings.Replace(it.Marker(42), "td-42-", "td-4-", 1))
	require.False(t, ok)
	// A marker's signature is not an address signature.
	_, ok = it.ParseAddress("it+" + strings.Trim(it.Marker(42), "[]") + "@it.company.example")
	require.False(t, ok)
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	_, err := New([]byte("short"), "x.example")
	require.Error(t, err)
	_, err = New(make([]byte, 32), "")
	require.Error(t, err)
	_, err = New(make([]byte, 32), "a@b")
	require.Error(t, err)
}
