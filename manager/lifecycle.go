package manager

import (
	"context"
	"time"
)

// The session's lifecycle: what a handler does at sign-in, sign-out and
// "remember me". Each method works on the session that [Manager.LoadAndSave]
// (or [Manager.Iterate]) put in ctx and returns [ErrNoSession] for any other
// context, where scs's own methods would panic.

// RenewToken gives the request's session a new token and keeps its data.
// Call it at sign-in and at every privilege change: a token an attacker
// planted or saw before is worthless afterwards (session fixation). The old
// token stops working at once; the browser gets the new one with this
// response. Cost: one store operation now, the commit at the end of the
// request as usual.
//
// If the session was ended meanwhile (a sign-out in another request), the
// renewal does not bring it back: the request ends signed out.
func (m *Manager) RenewToken(ctx context.Context) error {
	if err := m.hasSession(ctx); err != nil {
		return err
	}
	return m.sm.RenewToken(ctx)
}

// Destroy ends the request's session: its data is deleted from the store
// now and the response clears the cookie. A value put after Destroy starts
// a new session with a new token. Cost: one store delete.
func (m *Manager) Destroy(ctx context.Context) error {
	if err := m.hasSession(ctx); err != nil {
		return err
	}
	return m.sm.Destroy(ctx)
}

// RememberMe makes the session cookie persistent (remember true: it
// survives a browser restart until the session's deadline) or a browser
// session cookie (false). It matters only with CookieConfig.SessionOnly;
// otherwise every cookie is persistent already. The choice is kept in the
// session, so it costs a commit.
func (m *Manager) RememberMe(ctx context.Context, remember bool) error {
	if err := m.hasSession(ctx); err != nil {
		return err
	}
	m.sm.RememberMe(ctx, remember)
	return nil
}

// Token returns the session's token: "" for a session that has not been
// stored yet (a new session gets its token when it is first committed) and
// for a context without a session. Treat it as a secret: never log it.
func (m *Manager) Token(ctx context.Context) string {
	if m.hasSession(ctx) != nil {
		return ""
	}
	return m.sm.Token(ctx)
}

// Deadline returns when the session ends at the latest: its creation or
// last renewal plus Config.Lifetime. With an idle timeout it can end
// earlier. The zero time for a context without a session.
func (m *Manager) Deadline(ctx context.Context) time.Time {
	if m.hasSession(ctx) != nil {
		return time.Time{}
	}
	return m.sm.Deadline(ctx)
}

func (m *Manager) hasSession(ctx context.Context) error {
	if st := stateFrom(ctx); st == nil || st.m != m {
		return ErrNoSession
	}
	return nil
}

// Commit saves the session now, before the response does, and returns its
// token and when the stored session expires: with Config.IdleTimeout, the
// idle expiry (now plus IdleTimeout, capped at [Manager.Deadline]), else
// the deadline. It is for handlers and custom middleware that set a cookie
// of their own; [Manager.LoadAndSave] commits by itself, and a later change
// in the same request is committed then too. SessionManager().Commit
// returns the deadline even with an idle timeout (the idle timeout is the
// manager's, not scs's): use this one. Cost: one store write.
func (m *Manager) Commit(ctx context.Context) (token string, expiry time.Time, err error) {
	if err := m.hasSession(ctx); err != nil {
		return "", time.Time{}, err
	}
	token, err = m.commitSession(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	expiry = m.sm.Deadline(ctx)
	st := stateFrom(ctx)
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.expiry.IsZero() {
		expiry = st.expiry
	}
	return token, expiry, nil
}
