package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Policy decides where outbound requests may go. It is checked twice: on the
// rendered URL before a request is built (scheme, and in confidential mode the
// host allowlist), and on the resolved IP address when the connection is dialed,
// so a host name that resolves (or is rebound) to an internal address is refused
// too. A Policy is immutable and safe for concurrent use.
type Policy struct {
	confidential bool
	// hosts is the confidential allowlist: "host" (any port) or "host:port".
	hosts []string
	// allowHostPort and allowHost are the exemptions from the address check, by
	// name or IP literal; allowNets by IP range.
	allowHostPort map[string]bool
	allowHost     map[string]bool
	allowNets     []netip.Prefix
}

// PolicyConfig lists what a Policy allows beyond public addresses.
type PolicyConfig struct {
	// Confidential restricts every request to Hosts.
	Confidential bool
	// Hosts is the confidential allowlist ("host" or "host:port"). Its entries may
	// also be reached on private or loopback addresses: the operator named them.
	Hosts []string
	// Allow lists "host:port", "host" or CIDR entries that may be reached although
	// they are loopback, link-local or private (the peer instance, this instance).
	Allow []string
}

// RefusedError is a request the policy refuses. It is never retried: the same
// URL or address would be refused again.
type RefusedError struct {
	// Target is what was refused: a host:port or an IP address, never a path or
	// query (they may hold ticket data).
	Target string
	Reason string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("webhook: outbound policy refuses %s: %s", e.Target, e.Reason)
}

// NewPolicy builds a Policy; an entry it can't parse is an error naming it.
func NewPolicy(c PolicyConfig) (*Policy, error) {
	p := &Policy{confidential: c.Confidential, allowHostPort: map[string]bool{}, allowHost: map[string]bool{}}
	for _, h := range c.Hosts {
		p.hosts = append(p.hosts, strings.ToLower(h))
	}
	var errs []error
	for _, e := range slices.Concat(c.Hosts, c.Allow) {
		if err := p.addAllow(strings.TrimSpace(e)); err != nil {
			errs = append(errs, err)
		}
	}
	return p, errors.Join(errs...)
}

func (p *Policy) addAllow(e string) error {
	if e == "" {
		return nil
	}
	if strings.Contains(e, "/") {
		pfx, err := netip.ParsePrefix(e)
		if err != nil {
			return fmt.Errorf("outbound allow entry %q: not a CIDR: %w", e, err)
		}
		p.allowNets = append(p.allowNets, pfx.Masked())
		return nil
	}
	bad := fmt.Errorf("outbound allow entry %q: want host:port, host or a CIDR such as 10.0.0.0/8", e)
	if host, port, err := net.SplitHostPort(e); err == nil {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || !validHost(host) {
			return bad
		}
		p.allowHostPort[canonicalHostPort(host, port)] = true
		return nil
	}
	host := strings.TrimSuffix(strings.TrimPrefix(e, "["), "]")
	if !validHost(host) {
		return bad
	}
	p.allowHost[canonicalHost(host)] = true
	return nil
}

// validHost accepts an IP address or a DNS name (letters, digits, "-", "_", ".").
func validHost(h string) bool {
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	if h == "" || len(h) > 253 {
		return false
	}
	for _, c := range h {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// canonicalHost lowercases a name and writes an IP in its canonical form, so
// "::1" and "0:0::1" or "LocalHost" and "localhost" match.
func canonicalHost(h string) string {
	if a, err := netip.ParseAddr(h); err == nil {
		return a.Unmap().String()
	}
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

func canonicalHostPort(host, port string) string {
	return net.JoinHostPort(canonicalHost(host), port)
}

// allowed reports whether host:port is exempt from the address check.
func (p *Policy) allowed(host, port string) bool {
	h := canonicalHost(host)
	return p.allowHost[h] || p.allowHostPort[net.JoinHostPort(h, port)]
}

func (p *Policy) allowedIP(ip netip.Addr, port string) bool {
	if p.allowed(ip.String(), port) {
		return true
	}
	for _, n := range p.allowNets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// CheckURL checks a rendered URL before anything is sent: http or https, a host,
// and in confidential mode a host on the allowlist. The address it resolves to
// is checked when dialing.
func (p *Policy) CheckURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return &RefusedError{Target: "scheme " + strconv.Quote(u.Scheme), Reason: "only http and https URLs may be called"}
	}
	if u.Hostname() == "" {
		return &RefusedError{Target: "a URL without a host", Reason: "the endpoint must name a host"}
	}
	if !p.confidential {
		return nil
	}
	if !p.onAllowlist(u) {
		return &RefusedError{Target: HostPort(u), Reason: fmt.Sprintf("confidential mode: not on the webhook host allowlist (--webhook-hosts %s)", strings.Join(p.hosts, ","))}
	}
	if u.User != nil {
		return &RefusedError{Target: HostPort(u), Reason: "confidential mode: a URL may not carry user information (user@host)"}
	}
	return nil
}

// onAllowlist matches the host as the save-time check does: an entry names the
// host alone (any port), the host with its port, or the host with its scheme's
// default port.
func (p *Policy) onAllowlist(u *url.URL) bool {
	host := strings.ToLower(u.Hostname())
	hp := strings.ToLower(HostPort(u))
	return slices.Contains(p.hosts, host) || slices.Contains(p.hosts, hp) || slices.Contains(p.hosts, strings.ToLower(u.Host))
}

// refusedIP reports why ip may not be called, or "" when it may.
func refusedIP(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast():
		return "a link-local address (cloud metadata lives there)"
	case ip.IsPrivate():
		return "a private address"
	case ip.IsUnspecified() || thisNetwork.Contains(ip):
		return "an unspecified address"
	case ip.IsMulticast() || ip.IsInterfaceLocalMulticast() || ip == broadcast:
		return "a multicast or broadcast address"
	case sharedNAT.Contains(ip):
		return "a carrier-grade NAT address"
	}
	return ""
}

var (
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8")     // "this host on this network", reaches loopback on Linux
	sharedNAT   = netip.MustParsePrefix("100.64.0.0/10") // RFC 6598: inside a provider's network
	broadcast   = netip.MustParseAddr("255.255.255.255")
)

// control runs on every connection after DNS resolution and before connect: the
// address is the one actually dialed, so DNS rebinding can't slip past it.
func (p *Policy) control(requested string) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return &RefusedError{Target: address, Reason: "not an IP address and port"}
		}
		ip, port := ap.Addr().Unmap(), strconv.Itoa(int(ap.Port()))
		reqHost, reqPort, _ := net.SplitHostPort(requested)
		if p.allowedIP(ip, port) || p.allowed(reqHost, reqPort) {
			return nil
		}
		if why := refusedIP(ip); why != "" {
			return &RefusedError{Target: requested + " (" + ip.String() + ")",
				Reason: why + "; allow it explicitly with --outbound-allow"}
		}
		return nil
	}
}

func (p *Policy) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: Timeout, KeepAlive: 30 * time.Second, Control: p.control(addr)}
	return d.DialContext(ctx, network, addr)
}

// Client returns an HTTP client that dials through the policy and never follows
// a redirect: a 3xx could send the request, with its Authorization header, off the
// allowlist (Go keeps the header for the same host name on another port).
// Proxies from the environment are not used, so the address checked is the one
// connected to.
func (p *Policy) Client() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.DialContext = p.dialContext
	return &http.Client{
		Timeout:   Timeout,
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
