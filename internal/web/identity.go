package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
)

// Instance identity (issue 19): the name comes from --instance-name
// (render.go's deskRole), the accent colour from the admin page. The accent
// colours the desk bar on every page, the login page too, through a small
// stylesheet: the pages' CSP allows no inline style.

// accent returns the stored accent colour without its "#", or "" (none, or it
// could not be read: a page is not refused for want of a colour).
func (s *Server) accent(ctx context.Context) string {
	c, err := s.desk.AccentColour(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "web: read accent colour", "err", err)
		return ""
	}
	return strings.TrimPrefix(c, "#")
}

// accentCSS is GET /accent.css. On the standard desk the accent is the bar's
// colour; on the secure desk the bar stays red and the accent is a band at its
// start, so no colour choice makes secure look like standard.
func (s *Server) accentCSS(w http.ResponseWriter, r *http.Request) {
	c := s.accent(r.Context())
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	if c == "" {
		return
	}
	if s.desk.Confidential() {
		fmt.Fprintf(w, ".desk-secure .deskbar { box-shadow: inset 1.25rem 0 0 #%s; padding-left: 2rem; }\n", c)
		return
	}
	fmt.Fprintf(w, ".desk-standard .deskbar { background: #%s; color: %s; }\n", c, textOn(c))
}

// textOn picks black or white text for a background rrggbb, by its luminance.
func textOn(hex string) string {
	v, err := strconv.ParseUint(hex, 16, 32)
	if err != nil {
		return "#fff"
	}
	r, g, b := float64(v>>16&0xff), float64(v>>8&0xff), float64(v&0xff)
	if 0.299*r+0.587*g+0.114*b > 150 {
		return "#111"
	}
	return "#fff"
}

// identityData is the admin page's identity box.
type identityData struct {
	Name   string
	Accent string
	Errors []string
}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.renderAdminHome(w, r, rq, http.StatusOK, nil)
}

func (s *Server) renderAdminHome(w http.ResponseWriter, r *http.Request, rq *request, status int, errs []string) error {
	d := s.deskRole(r.Context())
	accent := ""
	if d.Accent != "" {
		accent = "#" + d.Accent
	}
	s.render(w, r, rq, status, "admin.html", "Admin", identityData{Name: d.Name, Accent: accent, Errors: errs})
	return nil
}

// saveIdentity is POST /admin/identity: the accent colour, or none.
func (s *Server) saveIdentity(w http.ResponseWriter, r *http.Request, rq *request) error {
	colour := r.PostFormValue("accent_colour")
	if r.PostFormValue("no_accent") == "1" {
		colour = ""
	}
	err := s.desk.SetAccentColour(r.Context(), rq.user, colour)
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		return s.renderAdminHome(w, r, rq, http.StatusUnprocessableEntity, validationMessages(ve))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/?flash=saved", http.StatusSeeOther)
	return nil
}
