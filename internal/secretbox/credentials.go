package secretbox

import (
	"errors"
	"fmt"

	"github.com/twindesk/twindesk/internal/model"
)

// Labels bind a sealed value to the kind of field it was sealed for.
const (
	SigningSecretLabel  = "webhook signing secret"
	TargetPasswordLabel = "target password"
)

// AuthLabel is the label of a webhook authentication value (password, token, value).
func AuthLabel(key string) string { return "webhook auth " + key }

// IsPublicAuthKey reports whether a webhook authentication field is not a secret:
// the basic-auth user name and the API key's header name are shown and stored as
// they are; every other field (password, token, value) is sealed.
func IsPublicAuthKey(key string) bool { return key == "username" || key == "name" }

// ErrNoKey means a sealed value was met where no key was configured.
var ErrNoKey = errors.New("secretbox: a credential is sealed but no secret key is configured")

// OpenWebhook returns w with its authentication values and signing secret opened,
// for the one place that needs them: the request being sent. A nil Box opens only
// plaintext values.
func (b *Box) OpenWebhook(w model.Webhook) (model.Webhook, error) {
	data := make(map[string]string, len(w.AuthData))
	for k, v := range w.AuthData {
		if IsPublicAuthKey(k) {
			data[k] = v
			continue
		}
		plain, err := b.open(AuthLabel(k), v)
		if err != nil {
			return w, fmt.Errorf("webhook %s authentication %s: %w", w.ID, k, err)
		}
		data[k] = plain
	}
	secret, err := b.open(SigningSecretLabel, w.SigningSecret)
	if err != nil {
		return w, fmt.Errorf("webhook %s signing secret: %w", w.ID, err)
	}
	w.AuthData, w.SigningSecret = data, secret
	return w, nil
}

// OpenTarget returns t with its password opened. A nil Box opens only plaintext.
func (b *Box) OpenTarget(t model.Target) (model.Target, error) {
	plain, err := b.open(TargetPasswordLabel, t.Password)
	if err != nil {
		return t, fmt.Errorf("target %d password: %w", t.ID, err)
	}
	t.Password = plain
	return t, nil
}

func (b *Box) open(label, v string) (string, error) {
	if b == nil {
		if IsSealed(v) {
			return "", ErrNoKey
		}
		return v, nil
	}
	return b.Open(label, v)
}
