package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
)

// Page selects a slice of a list ordered by id: offset pagination (Offset) or
// cursor pagination (AfterID). Limit is the page size; callers ask for one more row
// than they show to learn whether another page exists.
type Page struct {
	Limit   int
	Offset  int
	AfterID int64
}

func (p Page) clause(idCol string, args []any) (where string, tail string, out []any) {
	out = args
	if p.AfterID > 0 {
		out = append(out, p.AfterID)
		where = fmt.Sprintf(" AND %s > $%d", idCol, len(out))
	}
	out = append(out, p.Limit, p.Offset)
	tail = fmt.Sprintf(" ORDER BY %s LIMIT $%d OFFSET $%d", idCol, len(out)-1, len(out))
	return where, tail, out
}

const userCols = `id, name, email, role, external_id, active, created_at, updated_at,
	COALESCE((SELECT group_id FROM group_memberships m WHERE m.user_id = users.id AND m.is_default), 0),
	COALESCE((SELECT organization_id FROM organization_memberships om WHERE om.user_id = users.id
		ORDER BY om.is_default DESC, om.id LIMIT 1), 0), deleted_at IS NOT NULL, tags, time_zone,
	details, notes, phone, alias, signature`

func scanUser(row interface{ Scan(...any) error }) (model.User, error) {
	var u model.User
	var created, updated int64
	var tags string
	err := row.Scan(&u.ID, &u.Name, &u.Email, &u.Role, &u.ExternalID, &u.Active, &created, &updated, &u.DefaultGroupID, &u.OrganizationID, &u.Deleted, &tags, &u.TimeZone,
		&u.Profile.Details, &u.Profile.Notes, &u.Profile.Phone, &u.Profile.Alias, &u.Profile.Signature)
	u.CreatedAt, u.UpdatedAt, u.Tags = fromTS(created), fromTS(updated), splitTags(tags)
	return u, err
}

func (q *Queries) users(ctx context.Context, query string, args ...any) ([]model.User, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, q.wrap("list users", err)
	}
	defer rows.Close()
	var out []model.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, q.wrap("scan user", err)
		}
		out = append(out, u)
	}
	return out, q.wrapIf("list users", rows.Err())
}

func (q *Queries) wrapIf(what string, err error) error {
	if err == nil {
		return nil
	}
	return q.wrap(what, err)
}

// CreateUser inserts u and returns its id. Emails are stored lower-cased; a
// duplicate email is model.ErrConflict.
func (q *Queries) CreateUser(ctx context.Context, u model.User) (int64, error) {
	return q.insertID(ctx, "create user",
		`INSERT INTO users (name, email, role, external_id, active, created_at, updated_at, time_zone,
		 details, notes, phone, alias, signature)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		u.Name, strings.ToLower(u.Email), u.Role, u.ExternalID, u.Active, ts(u.CreatedAt), ts(u.UpdatedAt), u.TimeZone,
		u.Profile.Details, u.Profile.Notes, u.Profile.Phone, u.Profile.Alias, u.Profile.Signature)
}

// FindOrCreateUser returns the user with u's email, inserting u first when there is
// none. Unlike CreateUser it never fails on a taken email, so it is safe inside a
// transaction that goes on afterwards, and concurrent calls for one new email all
// get the same user: on PostgreSQL the later insert waits for the first to commit,
// then does nothing.
func (q *Queries) FindOrCreateUser(ctx context.Context, u model.User) (model.User, error) {
	err := q.exec(ctx, "find or create user", false,
		`INSERT INTO users (name, email, role, external_id, active, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (email) DO NOTHING`,
		u.Name, strings.ToLower(u.Email), u.Role, u.ExternalID, u.Active, ts(u.CreatedAt), ts(u.UpdatedAt))
	if err != nil {
		return model.User{}, err
	}
	return q.UserByEmail(ctx, u.Email)
}

// UpdateUser saves name, email, role, external id, active flag, time zone and
// the profile's plain attributes (its field values are SetEntityValues').
func (q *Queries) UpdateUser(ctx context.Context, u model.User) error {
	return q.exec(ctx, "update user", true,
		`UPDATE users SET name = $1, email = $2, role = $3, external_id = $4, active = $5, updated_at = $6,
		time_zone = $7, details = $8, notes = $9, phone = $10, alias = $11, signature = $12 WHERE id = $13`,
		u.Name, strings.ToLower(u.Email), u.Role, u.ExternalID, u.Active, ts(u.UpdatedAt), u.TimeZone,
		u.Profile.Details, u.Profile.Notes, u.Profile.Phone, u.Profile.Alias, u.Profile.Signature, u.ID)
}

// User loads one user.
func (q *Queries) User(ctx context.Context, id int64) (model.User, error) {
	u, err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	if err != nil {
		return u, q.wrap("get user", err)
	}
	return u, nil
}

// UserByEmail loads the user with this email (case-insensitive).
func (q *Queries) UserByEmail(ctx context.Context, email string) (model.User, error) {
	u, err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE email = $1`, strings.ToLower(email)))
	if err != nil {
		return u, q.wrap("get user by email", err)
	}
	return u, nil
}

// UserByExternalID loads the first user with this external id.
func (q *Queries) UserByExternalID(ctx context.Context, ext string) (model.User, error) {
	u, err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE external_id = $1 ORDER BY id LIMIT 1`, ext))
	if err != nil {
		return u, q.wrap("get user by external id", err)
	}
	return u, nil
}

// UsersByIDs loads the users with these ids, in any order.
func (q *Queries) UsersByIDs(ctx context.Context, ids []int64) ([]model.User, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList(ids, nil)
	return q.users(ctx, `SELECT `+userCols+` FROM users WHERE id IN (`+in+`)`, args...)
}

// ListUsers lists users, optionally of one role, by id.
func (q *Queries) ListUsers(ctx context.Context, role model.Role, p Page) ([]model.User, error) {
	args := []any{string(role)}
	where, tail, args := p.clause("id", args)
	return q.users(ctx, `SELECT `+userCols+` FROM users WHERE ($1 = '' OR role = $1)`+where+tail, args...)
}

// SearchUsers finds users whose name or email contains text (case-insensitive), or
// whose external id is exactly text.
func (q *Queries) SearchUsers(ctx context.Context, text string, p Page) ([]model.User, error) {
	like := "%" + escapeLike(strings.ToLower(text)) + "%"
	where, tail, args := p.clause("id", []any{like, text})
	return q.users(ctx, `SELECT `+userCols+` FROM users
		WHERE (LOWER(name) LIKE $1 ESCAPE '\' OR email LIKE $1 ESCAPE '\' OR external_id = $2)`+where+tail, args...)
}

// CountUsers counts users of a role ("" for all).
func (q *Queries) CountUsers(ctx context.Context, role model.Role) (int64, error) {
	return q.count(ctx, "count users", `SELECT COUNT(*) FROM users WHERE ($1 = '' OR role = $1)`, string(role))
}

// SetPassword stores a password hash for the web UI login.
func (q *Queries) SetPassword(ctx context.Context, userID int64, hash string) error {
	return q.exec(ctx, "set password", true, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, userID)
}

// PasswordHash returns the user's password hash ("" when none is set).
func (q *Queries) PasswordHash(ctx context.Context, userID int64) (string, error) {
	var h string
	if err := q.q.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, userID).Scan(&h); err != nil {
		return "", q.wrap("password hash", err)
	}
	return h, nil
}

// CreateToken stores the digest of an API token for user.
func (q *Queries) CreateToken(ctx context.Context, userID int64, digest string, at int64) error {
	return q.exec(ctx, "create token", false, `INSERT INTO api_tokens (user_id, digest, created_at) VALUES ($1, $2, $3)`, userID, digest, at)
}

// UserByTokenDigest finds the user owning the API token with this SHA-256 digest.
// Looking up by digest, not by token, is what keeps this timing-safe: an attacker who
// learns how far an index comparison got learns about a hash of their own guess,
// never about a stored token.
func (q *Queries) UserByTokenDigest(ctx context.Context, digest string) (model.User, error) {
	u, err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users
		WHERE id = (SELECT user_id FROM api_tokens WHERE digest = $1)`, digest))
	if err != nil {
		return u, q.wrap("token user", err)
	}
	return u, nil
}

func (q *Queries) count(ctx context.Context, what, query string, args ...any) (int64, error) {
	var n int64
	if err := q.q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, q.wrap(what, err)
	}
	return n, nil
}

// inList renders "$k,$k+1,..." for ids appended to args.
func inList(ids []int64, args []any) (string, []any) {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		args = append(args, id)
		fmt.Fprintf(&b, "$%d", len(args))
	}
	return b.String(), args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

var errNoRows = sql.ErrNoRows
